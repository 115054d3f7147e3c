import { expectPositionals, parseCommandLine } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { ExitCode } from '../exit-codes';
import { formatJson } from '../format';
import { describeSaga } from '../saga-description';
import { readLog, readSaga } from '../saga-reads';

export const describeCommand: SagaCommand = {
  name: 'describe',
  group: CommandGroup.sagas,
  summary: 'a saga: its steps, every attempt and compensation, and the operator actions',
  usage: [
    'usage: saga describe <id> [--json]',
    '  prints the saga, its steps, the timeline (each attempt of each action and compensation: start,',
    '  duration, outcome, error) and the operator actions from the saga log (reason, actor)',
    '  --json  print { saga, events }: GET /api/sagas/{id} and the whole log as the API gives them',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, { json: { type: 'boolean' } });
    const [id] = expectPositionals(positionals, ['<id>']);
    const api = apiClientOf(context);
    const saga = await readSaga(api, id);
    const log = await readLog(api, id);
    if (values.json === true) context.out(formatJson({ saga: saga.body, events: log }));
    else context.out(describeSaga(saga.detail, log).join('\n'));
    return ExitCode.ok;
  },
};
