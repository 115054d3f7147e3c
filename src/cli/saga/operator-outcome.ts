import { type ApiResponse, expectShape } from './api-client';
import { operatorOutcomeSchema } from './api-schemas';
import type { CliContext } from './context';
import { ExitCode } from './exit-codes';
import { formatJson } from './format';

/**
 * What an operator action answered (CONTRACT §8): 202 it took effect, 200 it was already in effect. Prints
 * `<done> <id>: <status>` or says it was already so; `--json` prints the answer.
 */
export function reportOperatorOutcome(
  context: CliContext,
  response: ApiResponse,
  request: string,
  done: string,
  json: boolean,
): number {
  const outcome = expectShape(operatorOutcomeSchema, response.body, request);
  if (json) context.out(formatJson(response.body));
  else if (response.status === 200) context.out(`already in effect: ${outcome.id} is ${outcome.status}`);
  else context.out(`${done} ${outcome.id}: ${outcome.status}`);
  return ExitCode.ok;
}
