import { SeededRandom } from './random';

/**
 * The one source of the fault tests' random choices: when to kill or cut, how long a participant takes, which
 * engine gets a request. Seeded from FAULT_SEED when it is set, else from the clock.
 */
export const faultRandom = new SeededRandom(seedFrom(process.env.FAULT_SEED));

/** The test whose body is running, or ran and failed; null once it finished. */
let unfinishedTest: { name: string } | null = null;

/**
 * A fault test's body, replayable: the generator starts over from the seed, and when the body throws or does not
 * finish in time, `printSeedOfFailedTest` (run after each fault test) prints the seed, so that
 * `FAULT_SEED=<seed> npx jest --selectProjects fault --runInBand -t '<title>'` makes the same choices again.
 * (Timing still varies: the same choices do not always give the same interleaving.)
 */
export function replayable<Args extends unknown[]>(
  body: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    faultRandom.restart();
    const test = { name: expect.getState().currentTestName ?? 'a fault test' };
    unfinishedTest = test;
    await body(...args);
    // A body that timed out may finish during a later test: it must not clear that test's mark.
    if (unfinishedTest === test) unfinishedTest = null;
  };
}

/** Prints the seed when the test that just ran failed or timed out in its body. */
export function printSeedOfFailedTest(): void {
  if (unfinishedTest !== null) {
    console.log(`"${unfinishedTest.name}" failed; replay it with FAULT_SEED=${faultRandom.seed}`);
  }
  unfinishedTest = null;
}

function seedFrom(value: string | undefined): number {
  if (value === undefined || value === '') return Date.now();
  if (!/^\d+$/.test(value)) throw new Error(`FAULT_SEED must be a non-negative integer, got "${value}"`);
  return Number(value);
}
