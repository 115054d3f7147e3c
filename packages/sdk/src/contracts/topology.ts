/** RabbitMQ names fixed by the wire protocol (docs/wire-protocol.md); every participant declares them identically. */
export const Topology = {
  commandsExchange: 'sagas.commands',
  /** Lifecycle events (topic): routing key `<saga name>.<event type>`; nothing is bound to it by default. */
  eventsExchange: 'sagas.events',
  repliesQueue: 'sagas.replies',
  deadLetterExchange: 'sagas.dead-letter',
  deadLetterQueue: 'sagas.dead-letter',
  errorHeader: 'x-saga-error',
} as const;

export function commandQueueName(participant: string): string {
  return `sagas.commands.${participant}`;
}

/** The routing key of a lifecycle event on `sagas.events`, e.g. `order-fulfillment.SagaCompleted`. */
export function eventRoutingKey(sagaName: string, type: string): string {
  return `${sagaName}.${type}`;
}
