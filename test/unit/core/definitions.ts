import { compileDefinition } from '../../../src/core/definition/compile';
import type { SagaDefinition } from '../../../src/core/definition/types';

type Document = Record<string, unknown>;

/** A step of a test definition: participant `p`, action and compensation named after the step, short timings. */
export function step(name: string, fields: Document = {}): Document {
  return {
    name,
    participant: 'p',
    action: `Do-${name}`,
    compensation: `Undo-${name}`,
    timeout: '10s',
    retry: { attempts: 2, backoff: '100ms' },
    compensationRetry: { attempts: 2, backoff: '100ms' },
    ...fields,
  };
}

/** A step that has no compensation (a pivot or a retriable step, or a step that needs no undo). */
export function plainStep(name: string, fields: Document = {}): Document {
  const { compensation: _compensation, compensationRetry: _retry, ...rest } = step(name, fields);
  return { ...rest, ...fields };
}

export function group(
  name: string,
  steps: Document[],
  compensation: 'parallel' | 'reverse' = 'parallel',
): Document {
  return { parallel: { name, compensation, steps } };
}

/** Compiles a definition of the given steps (or groups); a problem fails the test that built it. */
export function definitionOf(steps: Document[], fields: Document = {}): SagaDefinition {
  const result = compileDefinition({ name: 'v2', version: 1, steps, ...fields });
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return result.definition;
}
