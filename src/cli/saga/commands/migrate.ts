import { type SagaApiClient, expectShape, segment } from '../api-client';
import { bulkMigrationSchema, migratedSagaSchema } from '../api-schemas';
import { parseCommandLine, requiredOption, requiredPositiveIntegerOption } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { type CliContext, apiClientOf } from '../context';
import { ExitCode } from '../exit-codes';
import { formatJson } from '../format';
import { renderTable } from '../table';
import { UsageError } from '../usage-error';

export const migrateCommand: SagaCommand = {
  name: 'migrate',
  group: CommandGroup.operator,
  summary: 'move running sagas to another stored version of their definition',
  usage: [
    'usage: saga migrate <id> --to <version> --reason <text> [--json]',
    '       saga migrate --name <name> --from <version> --to <version> [--dry-run] --reason <text> [--json]',
    '  moves a RUNNING or SUSPENDED saga, or every one of that name and version, when every step it has',
    '  started is the same in the target version; otherwise says why not',
    '  --dry-run  count what would move and list what would be refused, change nothing',
    '  --reason   why; kept in each saga log',
    '  --json     print the API answer',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, {
      to: { type: 'string' },
      name: { type: 'string' },
      from: { type: 'string' },
      'dry-run': { type: 'boolean' },
      reason: { type: 'string' },
      json: { type: 'boolean' },
    });
    const toVersion = requiredPositiveIntegerOption(values.to, 'to');
    const reason = requiredOption(values.reason, 'reason');
    const json = values.json === true;
    const api = apiClientOf(context);
    const [id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra.join(' ')}`);
    if (id !== undefined) {
      if (values.name !== undefined || values.from !== undefined || values['dry-run'] === true) {
        throw new UsageError('give either <id>, or --name and --from for every saga of a version');
      }
      return migrateOne(api, context, { id, version: toVersion, reason, json });
    }
    const fromVersion = requiredPositiveIntegerOption(values.from, 'from');
    const name = requiredOption(values.name, 'name');
    const body = {
      name,
      fromVersion,
      toVersion,
      reason,
      ...(values['dry-run'] === true ? { dryRun: true } : {}),
    };
    const { body: answer } = await api.send('POST', '/api/sagas/migrate', { body });
    const result = expectShape(bulkMigrationSchema, answer, 'POST /api/sagas/migrate');
    if (json) {
      context.out(formatJson(answer));
      return ExitCode.ok;
    }
    const verb = result.dryRun ? 'would move' : 'moved';
    context.out(`${verb} ${result.migrated} saga(s) of ${name} from version ${fromVersion} to ${toVersion}`);
    if (result.refused.length > 0) {
      context.out(`${result.dryRun ? 'would refuse' : 'refused'} ${result.refused.length}:`);
      const rows = result.refused.flatMap(({ id: sagaId, reasons }) =>
        reasons.map((reason) => ({ id: sagaId, ...reason })),
      );
      context.out(
        renderTable(
          [
            { header: 'id', value: (row) => row.id },
            { header: 'path', value: (row) => row.path },
            { header: 'reason', value: (row) => row.message },
          ],
          rows,
        ).join('\n'),
      );
    }
    return ExitCode.ok;
  },
};

async function migrateOne(
  api: SagaApiClient,
  context: CliContext,
  request: { id: string; version: number; reason: string; json: boolean },
): Promise<number> {
  const path = `/api/sagas/${segment(request.id)}/migrate`;
  const response = await api.send('POST', path, {
    body: { version: request.version, reason: request.reason },
  });
  const saga = expectShape(migratedSagaSchema, response.body, `POST ${path}`);
  if (request.json) context.out(formatJson(response.body));
  else if (response.status === 200)
    context.out(`already on version ${saga.version}: ${saga.id} is ${saga.status}`);
  else context.out(`moved ${saga.id} to version ${saga.version}: ${saga.status}`);
  return ExitCode.ok;
}
