/**
 * Orders, within this process and per action idempotency key, the deliveries of an action and the recording of
 * its tombstone: deliveries of the action run side by side, as before; recording the tombstone waits until none
 * is being handled, and a delivery that arrives meanwhile waits until the tombstone is recorded. So a
 * compensation never tombstones an action this process is still handling, and an action that starts here after
 * the tombstone was recorded finds it. Across processes the idempotency store's key lock does the same for
 * actions that write their effect in `ctx.transaction`.
 *
 * The checks and the calls that follow them happen in one synchronous stretch, with no `await` in between, so
 * no other delivery can slip in.
 */
export class ActionTurns {
  private readonly actions = new Map<string, Set<Promise<void>>>();
  private readonly tombstones = new Map<string, Promise<void>>();

  /** Handles one delivery of the action with idempotency key `key` once no tombstone of it is being recorded. */
  async handleAction<T>(key: string, handle: () => Promise<T>): Promise<T> {
    for (let recording = this.tombstones.get(key); recording !== undefined;) {
      await recording;
      recording = this.tombstones.get(key);
    }
    const handling = handle();
    const settled = handling.then(ignore, ignore);
    const running = this.actions.get(key) ?? new Set<Promise<void>>();
    running.add(settled);
    this.actions.set(key, running);
    void settled.then(() => {
      running.delete(settled);
      if (running.size === 0 && this.actions.get(key) === running) this.actions.delete(key);
    });
    return handling;
  }

  /** Records the tombstone of the action with idempotency key `key` once no delivery of it is being handled. */
  async recordTombstone<T>(key: string, record: () => Promise<T>): Promise<T> {
    for (;;) {
      const turn = this.tombstones.get(key) ?? this.actionsSettled(key);
      if (turn === undefined) break;
      await turn;
    }
    const recording = record();
    const settled = recording.then(ignore, ignore);
    this.tombstones.set(key, settled);
    void settled.then(() => {
      if (this.tombstones.get(key) === settled) this.tombstones.delete(key);
    });
    return recording;
  }

  private actionsSettled(key: string): Promise<unknown> | undefined {
    const running = this.actions.get(key);
    return running === undefined ? undefined : Promise.all(running);
  }
}

function ignore(): void {}
