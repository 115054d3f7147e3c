import fc from 'fast-check';
import { migrationRefusals } from '../../../../src/core/migration';
import { SagaStatus } from '../../../../src/core/status';
import { compileGenerated, generatedSagaArbitrary } from './definition-arbitrary';
import { targetDrawArbitrary, targetOf } from './migration-arbitrary';
import { scenarioArbitrary } from './scenario-arbitrary';
import { ScenarioDriver } from './scenario-driver';

const RUNS = Number(process.env.CORE_PROPERTY_RUNS ?? 1000);
const SEED = Number(process.env.CORE_PROPERTY_SEED ?? 20261125);
const SETTLE_STEPS = 400;
const TRACE_LINES = 40;

describe('a saga migrated at any moment to a version that changes only what has not started', () => {
  it('is accepted, never acts again on a step that succeeded, and keeps every invariant to the end', () => {
    fc.assert(
      fc.property(
        generatedSagaArbitrary,
        scenarioArbitrary,
        targetDrawArbitrary,
        scenarioArbitrary,
        (saga, before, draw, after) => {
          const from = compileGenerated(saga);
          const driver = new ScenarioDriver(from, saga.input);
          try {
            for (const action of before) driver.perform(action);
            const { state } = driver.run;
            if (state.status === SagaStatus.running || state.status === SagaStatus.suspended) {
              const to = compileGenerated(targetOf(saga, from, state, draw));
              expect(migrationRefusals(from, to, state)).toEqual([]);
              driver.migrate(to);
            }
            for (const action of after) driver.perform(action);
            driver.settle(SETTLE_STEPS);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            throw new Error(`${message}\n  ${driver.trace.slice(-TRACE_LINES).join('\n  ')}`, {
              cause: error,
            });
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
