import { segment } from '../api-client';
import { expectPositionals, parseCommandLine } from '../arguments';
import { CommandGroup, type SagaCommand } from '../command';
import { apiClientOf } from '../context';
import { jsonObjectArgument } from '../json-argument';
import { reportOperatorOutcome } from '../operator-outcome';

export const retryCommand: SagaCommand = {
  name: 'retry',
  group: CommandGroup.operator,
  summary: 'resume a COMPENSATION_FAILED or SUSPENDED saga',
  usage: [
    'usage: saga retry <id> [--payload <json|@file>] [--reason <text>] [--json]',
    '  COMPENSATION_FAILED: every failed compensation is sent again with a fresh budget;',
    '  SUSPENDED: the step it waits on gets a new attempt with a fresh budget',
    '  --payload  SUSPENDED only: replaces that step payload from this attempt on (a JSON object or @file)',
    '  --reason   kept in the saga log',
    '  --json     print the API answer { id, status }',
  ],
  async run(argv, context) {
    const { values, positionals } = parseCommandLine(argv, {
      payload: { type: 'string' },
      reason: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [id] = expectPositionals(positionals, ['<id>']);
    const body = {
      ...(values.payload === undefined
        ? {}
        : { payload: jsonObjectArgument(values.payload, 'payload', context.readFile) }),
      ...(values.reason === undefined ? {} : { reason: values.reason }),
    };
    const path = `/api/sagas/${segment(id)}/retry`;
    const response = await apiClientOf(context).send('POST', path, { body });
    return reportOperatorOutcome(context, response, `POST ${path}`, 'retried', values.json === true);
  },
};
