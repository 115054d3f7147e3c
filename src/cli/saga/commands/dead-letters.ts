import { type SagaApiClient, expectShape, segment } from '../api-client';
import { type DeadLetter, deadLetterPageSchema, deadLetterSchema, replayedSchema } from '../api-schemas';
import { expectPositionals, parseCommandLine, positiveIntegerOption } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { type CliContext, apiClientOf } from '../context';
import { ExitCode } from '../exit-codes';
import { formatJson } from '../format';
import { pagesAsJson, readPages } from '../pages';
import { renderFields, renderTable } from '../table';
import { UsageError } from '../usage-error';

const SUBCOMMANDS = ['list', 'show', 'replay', 'delete'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

export const deadLettersCommand: SagaCommand = {
  name: 'dead-letters',
  group: CommandGroup.deadLetters,
  summary: 'messages nobody could process: list, read, replay or forget them',
  usage: [
    'usage: saga dead-letters [list] [--limit <n>] [--cursor <cursor> | --all] [--json]',
    '       saga dead-letters show <id> [--json]',
    '       saga dead-letters replay <id>... [--json]   (admin key)',
    '       saga dead-letters delete <id>...            (admin key)',
    '  list    newest first, with the reason each could not be processed (default)',
    '  show    one message whole: reason, where it went, headers and content',
    '  replay  publish each again to where it first went, then remove it from the list',
    '  delete  forget each',
    '  --limit  messages per page (default 50, at most 500); --all reads every page',
  ],
  async run(argv, context) {
    const [first, ...rest] = argv;
    const subcommand: Subcommand = isSubcommand(first) ? first : 'list';
    const args = isSubcommand(first) ? rest : argv;
    const api = apiClientOf(context);
    switch (subcommand) {
      case 'list':
        return listDeadLetters(api, context, args);
      case 'show':
        return showDeadLetter(api, context, args);
      case 'replay':
        return replayDeadLetters(api, context, args);
      case 'delete':
        return deleteDeadLetters(api, context, args);
    }
  },
};

function isSubcommand(value: string | undefined): value is Subcommand {
  return (SUBCOMMANDS as readonly string[]).includes(value ?? '');
}

async function listDeadLetters(api: SagaApiClient, context: CliContext, argv: readonly string[]) {
  const { values, positionals } = parseCommandLine(argv, {
    limit: { type: 'string' },
    cursor: { type: 'string' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  expectPositionals(positionals, []);
  const limit = positiveIntegerOption(values.limit, 'limit');
  const pages = await readPages(api, '/api/dead-letters', deadLetterPageSchema, {
    query: { limit },
    cursor: values.cursor,
    all: values.all === true,
  });
  if (values.json === true) {
    context.out(formatJson(pagesAsJson(pages)));
    return ExitCode.ok;
  }
  const { items: letters, nextCursor } = pages;
  if (letters.length === 0) context.out('no dead letters');
  else {
    const table = renderTable<DeadLetter>(
      [
        { header: 'id', value: (letter) => letter.id, align: 'right' },
        { header: 'received', value: (letter) => letter.receivedAt },
        { header: 'sent to', value: sentTo },
        { header: 'bytes', value: (letter) => String(letter.contentBytes), align: 'right' },
        { header: 'reason', value: (letter) => letter.reason },
      ],
      letters,
    );
    context.out(table.join('\n'));
  }
  if (nextCursor !== undefined) context.out(`next page: --cursor ${nextCursor}`);
  return ExitCode.ok;
}

async function showDeadLetter(api: SagaApiClient, context: CliContext, argv: readonly string[]) {
  const { values, positionals } = parseCommandLine(argv, { json: { type: 'boolean' } });
  const [id] = expectPositionals(positionals, ['<id>']);
  const path = `/api/dead-letters/${segment(id)}`;
  const { body } = await api.send('GET', path);
  const letter = expectShape(deadLetterSchema, body, `GET ${path}`);
  if (values.json === true) {
    context.out(formatJson(body));
    return ExitCode.ok;
  }
  const fields = renderFields([
    ['dead letter', letter.id],
    ['message id', letter.messageId ?? ''],
    ['received', letter.receivedAt],
    ['sent to', sentTo(letter)],
    ['reason', letter.reason],
    ['content', `${letter.contentBytes} bytes, ${letter.encoding}`],
  ]);
  context.out([...fields, '', letter.content].join('\n'));
  return ExitCode.ok;
}

async function replayDeadLetters(api: SagaApiClient, context: CliContext, argv: readonly string[]) {
  const { values, positionals } = parseCommandLine(argv, { json: { type: 'boolean' } });
  if (positionals.length === 0) throw new UsageError('missing <id>');
  for (const id of positionals) {
    const path = `/api/dead-letters/${segment(id)}/replay`;
    const { body } = await api.send('POST', path);
    const { replayedTo } = expectShape(replayedSchema, body, `POST ${path}`);
    if (values.json === true) context.out(formatJson(body));
    else context.out(`replayed ${id} to ${destination(replayedTo.exchange, replayedTo.routingKey)}`);
  }
  return ExitCode.ok;
}

async function deleteDeadLetters(api: SagaApiClient, context: CliContext, argv: readonly string[]) {
  const { positionals } = parseCommandLine(argv, {});
  if (positionals.length === 0) throw new UsageError('missing <id>');
  for (const id of positionals) {
    await api.send('DELETE', `/api/dead-letters/${segment(id)}`);
    context.out(`deleted ${id}`);
  }
  return ExitCode.ok;
}

function sentTo(letter: DeadLetter): string {
  return destination(letter.originalExchange, letter.originalRoutingKey);
}

/** `exchange → routing key`; the default exchange (empty name) routes straight to the queue named by the key. */
function destination(exchange: string, routingKey: string): string {
  return exchange === '' ? `queue ${routingKey}` : `${exchange} → ${routingKey}`;
}
