import { expectShape, segment } from '../api-client';
import { startedSagaSchema } from '../api-schemas';
import { expectPositionals, parseCommandLine } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { ExitCode } from '../exit-codes';
import { formatJson } from '../format';
import { jsonArgument } from '../json-argument';

export const rerunCommand: SagaCommand = {
  name: 'rerun',
  group: CommandGroup.operator,
  summary: 'start an ended saga again as a new saga',
  usage: [
    'usage: saga rerun <id> [--input <json|@file>] [--reason <text>] [--idempotency-key <key>] [--json]',
    '  starts a new saga of the same name on the current version, with the same correlation id;',
    '  the two name each other (rerunOf, reruns)',
    '  --input            the new input (default: the old saga input): JSON, or @file (@- reads standard input)',
    '  --reason           kept in the new saga log',
    '  --idempotency-key  the same key again answers the saga it started',
    '  --json             print the API answer { id, name, version, status, rerunOf }',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, {
      input: { type: 'string' },
      reason: { type: 'string' },
      'idempotency-key': { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = expectPositionals(positionals, ['<id>']);
    const body = {
      ...(values.input === undefined ? {} : { input: jsonArgument(values.input, 'input', context.readFile) }),
      ...(values.reason === undefined ? {} : { reason: values.reason }),
    };
    const key = values['idempotency-key'];
    const path = `/api/sagas/${segment(id)}/rerun`;
    const response = await apiClientOf(context).send('POST', path, {
      body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
    const saga = expectShape(startedSagaSchema, response.body, `POST ${path}`);
    if (values.json === true) context.out(formatJson(response.body));
    else {
      const what = `${saga.id} (${saga.name} v${saga.version}, ${saga.status}) as a rerun of ${id}`;
      context.out(response.status === 200 ? `already started with this key: ${what}` : `started ${what}`);
    }
    return ExitCode.ok;
  },
};
