import { segment } from '../api-client';
import { expectPositionals, parseCommandLine, requiredOption } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { jsonObjectArgument } from '../json-argument';
import { reportOperatorOutcome } from '../operator-outcome';

export const completeStepCommand: SagaCommand = {
  name: 'complete-step',
  group: CommandGroup.operator,
  summary: "take a step's action as done by hand, with its output",
  usage: [
    'usage: saga complete-step <id> <step> --output <json|@file> --reason <text> [--json]',
    '  a step whose action is running, waiting for a retry, or suspended is taken as succeeded;',
    '  the saga goes on, and later steps read --output as the step output',
    '  --output  the step output: a JSON object, or @file (@- reads standard input)',
    '  --reason  why; kept in the saga log',
    '  --json    print the API answer { id, status }',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, {
      output: { type: 'string' },
      reason: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id, step] = expectPositionals(positionals, ['<id>', '<step>']);
    const output = jsonObjectArgument(requiredOption(values.output, 'output'), 'output', context.readFile);
    const reason = requiredOption(values.reason, 'reason');
    const path = `/api/sagas/${segment(id)}/steps/${segment(step)}/complete`;
    const response = await apiClientOf(context).send('POST', path, { body: { output, reason } });
    return reportOperatorOutcome(
      context,
      response,
      `POST ${path}`,
      `completed ${step} of`,
      values.json === true,
    );
  },
};
