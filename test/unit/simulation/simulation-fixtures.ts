import { join } from 'node:path';
import type { JsonValue } from 'saga-orchestrator-sdk/contracts';
import type { SagaDefinition } from '../../../src/core/definition/types';
import { loadDefinitionFile } from '../../../src/definitions/definition-files';
import {
  type SimulationOptions,
  type SimulationResult,
  type TimelineEntryType,
  planFaults,
  runSimulation,
} from '../../../src/simulation';

export const ORDER_FILE = join(__dirname, '../../../sagas/order-fulfillment.yaml');
export const ORDER_INPUT = { orderId: 'o-1', amount: 42.5 } satisfies JsonValue;

/** A definition file under test/unit/simulation/fixtures. */
export function fixture(file: string): string {
  return join(__dirname, 'fixtures', file);
}

export function definitionIn(path: string): SagaDefinition {
  const loaded = loadDefinitionFile(path);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.loaded.definition;
}

/** Runs a definition file with `--fault`-style specs; an invalid spec fails the test. */
export function simulate(
  path: string,
  input: JsonValue,
  faultSpecs: string[] = [],
  options: SimulationOptions = {},
): SimulationResult {
  const definition = definitionIn(path);
  const faults = planFaults(definition, faultSpecs);
  if (!faults.ok) throw new Error(faults.problems.join('\n'));
  return runSimulation(definition, input, faults.faults, options);
}

/** The timeline as `<time> <type> <step>: <detail>` lines, optionally only the given types. */
export function story(result: SimulationResult, types?: TimelineEntryType[]): string[] {
  return result.timeline
    .filter((entry) => types === undefined || types.includes(entry.type))
    .map((entry) => `${entry.at} ${entry.type} ${entry.step ?? '-'}: ${entry.detail}`);
}

export function stepStatuses(result: SimulationResult): Record<string, string> {
  return Object.fromEntries(result.steps.map((step) => [step.name, step.status]));
}
