import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import type { TimerFiring } from './timer-firing';

const IDLE_DELAY_MS = 100;
const ERROR_DELAY_MS = 1000;

/** Fires due durable timers (attempt timeouts, retry backoff, saga deadlines) in a loop until stopped. */
export class TimerPoller {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly timers: TimerFiring,
    private readonly logger: Logger,
    private readonly batchSize = 100,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the timer being applied, then returns. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = IDLE_DELAY_MS;
      try {
        const fired = await this.timers.fireDue(this.batchSize);
        if (fired >= this.batchSize) delay = 0;
      } catch (error) {
        this.logger.error('timer poll failed', { error: (error as Error).message });
        delay = ERROR_DELAY_MS;
      }
      if (delay > 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timeout = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timeout);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}
