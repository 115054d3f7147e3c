import type { Query } from '../api-client';
import { type SagaSummary, sagaPageSchema } from '../api-schemas';
import { expectPositionals, parseCommandLine, positiveIntegerOption } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { ExitCode } from '../exit-codes';
import { formatJson } from '../format';
import { pagesAsJson, readPages } from '../pages';
import { type Column, renderTable } from '../table';

/** With `--all`, pages of the most the API gives at once, unless `--limit` says otherwise. */
const ALL_PAGE_SIZE = 500;

export const listCommand: SagaCommand = {
  name: 'list',
  group: CommandGroup.sagas,
  summary: 'list sagas, newest first',
  usage: [
    'usage: saga list [--status <status>]... [--name <name>] [--version <n>] [--correlation-id <id>]',
    '                 [--failing-step <step>] [--created-from <time>] [--created-to <time>]',
    '                 [--limit <n>] [--cursor <cursor> | --all] [--json]',
    '  --status        RUNNING, COMPENSATING, COMPLETED, COMPENSATED, COMPENSATION_FAILED or SUSPENDED;',
    '                  repeat it or list several (--status RUNNING,SUSPENDED)',
    '  --failing-step  the step whose failure started compensation, or the one a SUSPENDED saga waits on',
    '  --created-from, --created-to  ISO 8601 times',
    '  --limit         sagas per page (default 50, at most 500)',
    '  --cursor        the next page, as the previous one named it',
    '  --all           every page',
    '  --json          print the API answer { items, nextCursor } (with --all, every item)',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, {
      status: { type: 'string', multiple: true },
      name: { type: 'string' },
      version: { type: 'string' },
      'correlation-id': { type: 'string' },
      'failing-step': { type: 'string' },
      'created-from': { type: 'string' },
      'created-to': { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    expectPositionals(positionals, []);
    const all = values.all === true;
    const limit = positiveIntegerOption(values.limit, 'limit') ?? (all ? ALL_PAGE_SIZE : undefined);
    const filters: Query = {
      status: values.status,
      name: values.name,
      version: positiveIntegerOption(values.version, 'version'),
      correlationId: values['correlation-id'],
      failingStep: values['failing-step'],
      createdFrom: values['created-from'],
      createdTo: values['created-to'],
      limit,
    };
    const pages = await readPages(apiClientOf(context), '/api/sagas', sagaPageSchema, {
      query: filters,
      cursor: values.cursor,
      all,
    });
    if (values.json === true) {
      context.out(formatJson(pagesAsJson(pages)));
      return ExitCode.ok;
    }
    const { items, nextCursor } = pages;
    if (items.length === 0) context.out('no sagas');
    else context.out(renderTable(SAGA_COLUMNS, items).join('\n'));
    if (nextCursor !== undefined) context.out(`next page: --cursor ${nextCursor}`);
    return ExitCode.ok;
  },
};

const SAGA_COLUMNS: readonly Column<SagaSummary>[] = [
  { header: 'id', value: (saga) => saga.id },
  { header: 'name', value: (saga) => saga.name },
  { header: 'version', value: (saga) => String(saga.version), align: 'right' },
  { header: 'status', value: (saga) => saga.status },
  { header: 'failing step', value: (saga) => saga.failingStep ?? '' },
  { header: 'created', value: (saga) => saga.createdAt },
  { header: 'updated', value: (saga) => saga.updatedAt },
];
