import { expectShape } from '../api-client';
import { definitionListSchema } from '../api-schemas';
import { expectPositionals, parseCommandLine } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { definitionTable } from '../definition-table';
import { ExitCode } from '../exit-codes';
import { formatJson } from '../format';

export const definitionsCommand: SagaCommand = {
  name: 'definitions',
  group: CommandGroup.definitions,
  summary: 'the loaded saga definitions and their stored versions',
  usage: ['usage: saga definitions [--json]', '  --json  print the API answer { items }'],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, { json: { type: 'boolean' } });
    expectPositionals(positionals, []);
    const { body } = await apiClientOf(context).send('GET', '/api/definitions');
    const { items } = expectShape(definitionListSchema, body, 'GET /api/definitions');
    context.out(values.json === true ? formatJson(body) : definitionTable(items).join('\n'));
    return ExitCode.ok;
  },
};
