/** RabbitMQ names fixed by the wire protocol (CONTRACT §3); every participant declares them identically. */
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
