import { segment } from '../api-client';
import { expectPositionals, parseCommandLine, requiredOption } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { reportOperatorOutcome } from '../operator-outcome';

export const completeCompensationCommand: SagaCommand = {
  name: 'complete-compensation',
  group: CommandGroup.operator,
  summary: "take a step's compensation as done by hand",
  usage: [
    'usage: saga complete-compensation <id> <step> --reason <text> [--json]',
    '  a compensation that is running or failed is taken as done; a COMPENSATION_FAILED saga',
    '  goes on compensating the earlier steps',
    '  --reason  why; kept in the saga log',
    '  --json    print the API answer { id, status }',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, {
      reason: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id, step] = expectPositionals(positionals, ['<id>', '<step>']);
    const reason = requiredOption(values.reason, 'reason');
    const path = `/api/sagas/${segment(id)}/steps/${segment(step)}/compensation/complete`;
    const response = await apiClientOf(context).send('POST', path, { body: { reason } });
    return reportOperatorOutcome(
      context,
      response,
      `POST ${path}`,
      `completed the compensation of ${step} of`,
      values.json === true,
    );
  },
};
