import type { JsonValue } from 'saga-orchestrator-sdk/contracts';
import { loadDefinitionFile } from '../definitions/definition-files';
import { createInputValidator } from '../definitions/input-validator';
import { errorMessage } from '../definitions/parsed-file';
import { planFaults, runSimulation } from '../simulation';
import type { CommandOutput } from './command-output';
import { parseSimulateArguments, simulateUsage } from './simulate-arguments';
import { formatJson, formatTimeline } from './simulate-output';

/**
 * `npm run simulate`: runs one definition file on a virtual clock with scripted participants and prints the
 * timeline. Returns the exit code: 0 when it ran, 1 on an invalid file, input, fault or argument.
 */
export function simulateCommand(
  argv: readonly string[],
  output: CommandOutput,
  program = 'npm run simulate --',
): number {
  const refuse = (problems: string[]): number => {
    problems.forEach((problem) => output.err(problem));
    return 1;
  };
  const parsed = parseSimulateArguments(argv);
  if (!parsed.ok) return refuse([...parsed.problems, simulateUsage(program)]);
  if (parsed.help) {
    output.out(simulateUsage(program));
    return 0;
  }
  const { file, inputText, faultSpecs, json } = parsed.args;
  const loaded = loadDefinitionFile(file);
  if (!loaded.ok) return refuse(loaded.problems);
  const { definition } = loaded.loaded;

  const input = parseInput(inputText);
  const problems = input.ok
    ? createInputValidator(definition.inputSchema)(input.value).map((p) => `--input: ${p.path}: ${p.message}`)
    : [input.problem];
  const faults = planFaults(definition, faultSpecs);
  if (!faults.ok) problems.push(...faults.problems);
  if (!input.ok || !faults.ok || problems.length > 0) return refuse(problems);

  const result = runSimulation(definition, input.value, faults.faults);
  if (json) output.out(formatJson(result));
  else formatTimeline(result).forEach((line) => output.out(line));
  return 0;
}

function parseInput(text: string): { ok: true; value: JsonValue } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    return {
      ok: false,
      problem: `--input: not valid JSON: ${errorMessage(error)}`,
    };
  }
}
