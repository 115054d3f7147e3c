import { expectShape } from '../api-client';
import { startedSagaSchema } from '../api-schemas';
import { expectPositionals, parseCommandLine, requiredOption } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { ExitCode } from '../exit-codes';
import { formatJson } from '../format';
import { jsonArgument } from '../json-argument';

export const startCommand: SagaCommand = {
  name: 'start',
  group: CommandGroup.sagas,
  summary: 'start a saga',
  usage: [
    'usage: saga start <name> --input <json|@file> [--idempotency-key <key>] [--correlation-id <id>] [--json]',
    '  --input            the saga input: JSON, or @file to read it from a file (@- reads standard input)',
    '  --idempotency-key  the same key with the same request again answers the saga it started',
    '  --correlation-id   carried on every command (default: the saga id)',
    '  --json             print the API answer { id, name, version, status }',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, {
      input: { type: 'string' },
      'idempotency-key': { type: 'string' },
      'correlation-id': { type: 'string' },
      json: { type: 'boolean' },
    });
    const [name] = expectPositionals(positionals, ['<name>']);
    const input = jsonArgument(requiredOption(values.input, 'input'), 'input', context.readFile);
    const key = values['idempotency-key'];
    const correlationId = values['correlation-id'];
    const response = await apiClientOf(context).send('POST', '/api/sagas', {
      body: { name, input, ...(correlationId === undefined ? {} : { correlationId }) },
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
    const saga = expectShape(startedSagaSchema, response.body, 'POST /api/sagas');
    if (values.json === true) context.out(formatJson(response.body));
    else {
      const what = `${saga.id} (${saga.name} v${saga.version}, ${saga.status})`;
      context.out(response.status === 200 ? `already started with this key: ${what}` : `started ${what}`);
    }
    return ExitCode.ok;
  },
};
