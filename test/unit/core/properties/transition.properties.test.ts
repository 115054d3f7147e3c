import fc from 'fast-check';
import { compileGenerated, generatedSagaArbitrary } from './definition-arbitrary';
import { scenarioArbitrary } from './scenario-arbitrary';
import { ScenarioDriver } from './scenario-driver';

/** CI sets CORE_PROPERTY_RUNS higher (a run takes about a millisecond); the seed is fixed unless told. */
const RUNS = Number(process.env.CORE_PROPERTY_RUNS ?? 1000);
const SEED = Number(process.env.CORE_PROPERTY_SEED ?? 20261125);
/** The settling tail's bound: far more than any generated saga needs to answer and time out everything. */
const SETTLE_STEPS = 400;
/** How much of the run's trace a failure shows, latest last. */
const TRACE_LINES = 40;

describe('the saga core under any definition and any order of replies, timers and operator actions', () => {
  it('settles, goes no further forward once compensating, and undoes only what ran, latest first', () => {
    fc.assert(
      fc.property(generatedSagaArbitrary, scenarioArbitrary, (saga, scenario) => {
        const driver = new ScenarioDriver(compileGenerated(saga), saga.input);
        try {
          for (const action of scenario) driver.perform(action);
          driver.settle(SETTLE_STEPS);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(`${message}\n  ${driver.trace.slice(-TRACE_LINES).join('\n  ')}`, { cause: error });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
