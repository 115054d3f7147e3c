import { SeededRandom } from './random';

/** The seed of every random choice the fault tests make: FAULT_SEED when it is set, else the clock. */
export const faultSeed = seedFrom(process.env.FAULT_SEED) >>> 0;

/**
 * One generator per kind of choice, each seeded from `faultSeed`: how many delays the participants drew (which
 * depends on timing) then does not shift when the next kill comes.
 */
const seeds = new SeededRandom(faultSeed);
/** When to kill an engine or cut a connection, and for how long. */
export const faultTimes = new SeededRandom(seeds.next() * 2 ** 32);
/** How long a participant takes to answer. */
export const participantDelays = new SeededRandom(seeds.next() * 2 ** 32);
/** Which running engine gets a request, or is killed. */
export const enginePicks = new SeededRandom(seeds.next() * 2 ** 32);

/** The test whose body is running, or ran and failed; null once it finished. */
let unfinishedTest: { name: string } | null = null;

/**
 * A fault test's body, replayable: the generators start over from the seed, and when the body throws or does not
 * finish in time, `printSeedOfFailedTest` (run after each fault test) prints the seed, so that
 * `FAULT_SEED=<seed> npx jest --selectProjects fault --runInBand -t '<title>'` makes the same choices again.
 * (Timing still varies: the same choices do not always give the same interleaving.)
 */
export function replayable<Args extends unknown[]>(
  body: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    for (const random of [faultTimes, participantDelays, enginePicks]) random.restart();
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
    console.log(`"${unfinishedTest.name}" failed; replay it with FAULT_SEED=${faultSeed}`);
  }
  unfinishedTest = null;
}

function seedFrom(value: string | undefined): number {
  if (value === undefined || value === '') return Date.now();
  if (!/^\d+$/.test(value)) throw new Error(`FAULT_SEED must be a non-negative integer, got "${value}"`);
  return Number(value);
}
