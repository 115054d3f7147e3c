export interface BatcherOptions {
  /** Batches run at once: one waits on the database while the next is prepared. */
  parallel: number;
  maxBatch: number;
}

/**
 * Runs work in batches: items that arrive while `parallel` batches are running wait, and go together in the next
 * batch. Under light load each item runs at once, alone; under heavy load one round trip serves many items.
 */
export class Batcher<Item> {
  private queued: Item[] = [];
  private running = 0;
  private pending = 0;

  constructor(
    private readonly runBatch: (batch: Item[]) => Promise<void>,
    private readonly onError: (error: Error) => void,
    private readonly options: BatcherOptions,
  ) {}

  /** Items added and not yet through their batch. */
  get inFlight(): number {
    return this.pending;
  }

  add(item: Item): void {
    this.pending++;
    this.queued.push(item);
    this.startBatches();
  }

  /** A runner that throws instead of rejecting still ends its batch. */
  private run(batch: Item[]): Promise<void> {
    try {
      return this.runBatch(batch);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private startBatches(): void {
    while (this.running < this.options.parallel && this.queued.length > 0) {
      const batch = this.queued.splice(0, this.options.maxBatch);
      this.running++;
      void this.run(batch)
        .catch((error: Error) => this.onError(error))
        .finally(() => {
          this.running--;
          this.pending -= batch.length;
          this.startBatches();
        });
    }
  }
}
