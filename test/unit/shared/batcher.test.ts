import { Batcher } from '../../../src/shared/batcher';

/** A batch runner whose batches finish only when the test says so. */
function controlledRunner() {
  const batches: number[][] = [];
  const finishers: Array<(error?: Error) => void> = [];
  const run = (batch: number[]) => {
    batches.push(batch);
    return new Promise<void>((resolve, reject) =>
      finishers.push((error) => (error === undefined ? resolve() : reject(error))),
    );
  };
  /** Finishes the oldest running batch and lets the batcher react. */
  const finishNext = async (error?: Error) => {
    finishers.shift()!(error);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, run, finishNext };
}

describe('Batcher', () => {
  it('runs an item at once when fewer than `parallel` batches are running', () => {
    const runner = controlledRunner();
    const batcher = new Batcher(runner.run, () => undefined, { parallel: 2, maxBatch: 10 });

    batcher.add(1);
    batcher.add(2);

    expect(runner.batches).toEqual([[1], [2]]);
    expect(batcher.inFlight).toBe(2);
  });

  it('puts items that arrive while all batches run into the next batch, up to maxBatch', async () => {
    const runner = controlledRunner();
    const batcher = new Batcher(runner.run, () => undefined, { parallel: 1, maxBatch: 3 });
    batcher.add(1);
    for (const item of [2, 3, 4, 5, 6]) batcher.add(item);
    expect(runner.batches).toEqual([[1]]);

    await runner.finishNext();
    expect(runner.batches).toEqual([[1], [2, 3, 4]]);
    expect(batcher.inFlight).toBe(5);

    await runner.finishNext();
    expect(runner.batches).toEqual([[1], [2, 3, 4], [5, 6]]);

    await runner.finishNext();
    expect(batcher.inFlight).toBe(0);
  });

  it('reports a batch that fails and goes on with the next', async () => {
    const runner = controlledRunner();
    const errors: string[] = [];
    const batcher = new Batcher(runner.run, (error) => errors.push(error.message), {
      parallel: 1,
      maxBatch: 10,
    });
    batcher.add(1);
    batcher.add(2);

    await runner.finishNext(new Error('database gone'));

    expect(errors).toEqual(['database gone']);
    expect(runner.batches).toEqual([[1], [2]]);
    await runner.finishNext();
    expect(batcher.inFlight).toBe(0);
  });
});
