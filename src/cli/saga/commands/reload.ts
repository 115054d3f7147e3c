import { expectShape } from '../api-client';
import { definitionListSchema } from '../api-schemas';
import { expectPositionals, parseCommandLine } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { definitionTable } from '../definition-table';
import { ExitCode } from '../exit-codes';
import { formatJson } from '../format';

export const reloadCommand: SagaCommand = {
  name: 'reload',
  group: CommandGroup.definitions,
  summary: "read the engine's definitions folder again (admin key)",
  usage: [
    'usage: saga reload [--json]',
    '  the engine reads its SAGAS_DIR again, all or nothing: new versions become current for new sagas,',
    '  running sagas keep theirs; any problem is listed as <file>: <path>: <message> and nothing changes',
    '  --json  print the API answer { items }',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, { json: { type: 'boolean' } });
    expectPositionals(positionals, []);
    const { body } = await apiClientOf(context).send('POST', '/api/definitions/reload');
    const { items } = expectShape(definitionListSchema, body, 'POST /api/definitions/reload');
    if (values.json === true) context.out(formatJson(body));
    else context.out(['reloaded', ...definitionTable(items)].join('\n'));
    return ExitCode.ok;
  },
};
