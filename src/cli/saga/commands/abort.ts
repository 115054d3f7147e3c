import { segment } from '../api-client';
import { expectPositionals, parseCommandLine, requiredOption } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { reportOperatorOutcome } from '../operator-outcome';

export const abortCommand: SagaCommand = {
  name: 'abort',
  group: CommandGroup.operator,
  summary: 'stop a RUNNING saga (not past its pivot) and compensate now',
  usage: [
    'usage: saga abort <id> --reason <text> [--json]',
    '  the step in flight is given up on and compensation starts now',
    '  --reason  why; kept in the saga log',
    '  --json    print the API answer { id, status }',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, {
      reason: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = expectPositionals(positionals, ['<id>']);
    const reason = requiredOption(values.reason, 'reason');
    const path = `/api/sagas/${segment(id)}/abort`;
    const response = await apiClientOf(context).send('POST', path, { body: { reason } });
    return reportOperatorOutcome(context, response, `POST ${path}`, 'aborted', values.json === true);
  },
};
