/** RabbitMQ names fixed by the wire protocol (docs/wire-protocol.md); every participant declares them identically. */
export const Topology = {
  commandsExchange: 'sagas.commands',
  repliesQueue: 'sagas.replies',
  deadLetterExchange: 'sagas.dead-letter',
  deadLetterQueue: 'sagas.dead-letter',
  errorHeader: 'x-saga-error',
} as const;

export function commandQueueName(participant: string): string {
  return `sagas.commands.${participant}`;
}
