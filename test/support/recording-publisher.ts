import { type Command, Topology, commandSchema } from 'saga-orchestrator-sdk/contracts';
import type { CommandPublisher, OutboxMessage } from '../../src/orchestrator/ports';

/** Collects the outbox rows the orchestrator hands over; the broker never confirms anything. */
export class RecordingPublisher implements CommandPublisher {
  readonly published: OutboxMessage[] = [];
  /** The rows of each write, as handed over. */
  readonly writes: OutboxMessage[][] = [];
  readonly givenBack: string[] = [];

  publish(rows: OutboxMessage[]): void {
    this.published.push(...rows);
    this.writes.push(rows);
  }

  takeConfirmed(): string[] {
    return [];
  }

  giveBackConfirmed(ids: string[]): void {
    this.givenBack.push(...ids);
  }

  commandsFor(sagaId: string): Command[] {
    return this.published
      .filter((row) => row.sagaId === sagaId && row.exchange === Topology.commandsExchange)
      .map((row) => commandSchema.parse(row.body));
  }

  lastCommandFor(sagaId: string): Command {
    const command = this.commandsFor(sagaId).at(-1);
    if (command === undefined) throw new Error(`no command published for saga ${sagaId}`);
    return command;
  }
}
