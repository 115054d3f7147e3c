import { expectPositionals, parseCommandLine, positiveIntegerOption } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { watchExitCode } from '../exit-codes';
import { formatJson } from '../format';
import { formatLogEntry } from '../log-lines';
import { readLog, readSaga } from '../saga-reads';

const DEFAULT_INTERVAL_MS = 500;

export const watchCommand: SagaCommand = {
  name: 'watch',
  group: CommandGroup.sagas,
  summary: 'follow a saga until it ends; the exit code tells how',
  usage: [
    'usage: saga watch <id> [--interval <ms>] [--json]',
    '  prints each entry of the saga log as it is written, then the final status, and exits with',
    '  0 COMPLETED, 2 COMPENSATED, 3 COMPENSATION_FAILED, 4 SUSPENDED (it waits for an operator), 1 on an error',
    '  --interval  how often to ask the engine, in milliseconds (default 500)',
    '  --json      print nothing while waiting, then the saga as GET /api/sagas/{id} gives it',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, {
      interval: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = expectPositionals(positionals, ['<id>']);
    const interval = positiveIntegerOption(values.interval, 'interval') ?? DEFAULT_INTERVAL_MS;
    const api = apiClientOf(context);
    let lastSeq: number | undefined;
    for (;;) {
      // The status first: the log read after it then holds every entry written up to that status.
      const saga = await readSaga(api, id);
      const entries = await readLog(api, id, lastSeq);
      if (values.json !== true) entries.forEach((entry) => context.out(formatLogEntry(entry)));
      lastSeq = entries.at(-1)?.seq ?? lastSeq;
      const exitCode = watchExitCode(saga.detail.status);
      if (exitCode !== null) {
        context.out(values.json === true ? formatJson(saga.body) : `status: ${saga.detail.status}`);
        return exitCode;
      }
      await context.sleep(interval);
    }
  },
};
