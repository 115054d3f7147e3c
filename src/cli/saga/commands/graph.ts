import { expectShape, segment } from '../api-client';
import { graphSchema } from '../api-schemas';
import { expectPositionals, parseCommandLine, positiveIntegerOption } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { ExitCode } from '../exit-codes';
import { formatJson } from '../format';

export const graphCommand: SagaCommand = {
  name: 'graph',
  group: CommandGroup.definitions,
  summary: 'a saga definition as a Mermaid flowchart',
  usage: [
    'usage: saga graph <name> [--version <n>] [--json]',
    '  prints the flowchart (actions forward, compensations back), ready to paste into Markdown',
    '  --version  a stored version (default: the current one)',
    '  --json     print the API answer { name, version, format, graph }',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, {
      version: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [name] = expectPositionals(positionals, ['<name>']);
    const version = positiveIntegerOption(values.version, 'version');
    const path = `/api/definitions/${segment(name)}/graph`;
    const { body } = await apiClientOf(context).send('GET', path, { query: { version } });
    const { graph } = expectShape(graphSchema, body, `GET ${path}`);
    context.out(values.json === true ? formatJson(body) : graph.trimEnd());
    return ExitCode.ok;
  },
};
