/** Attribute names of the spans the engine and the SDK make (README "Traces"), spelt once. */
export const TraceAttribute = {
  sagaId: 'saga.id',
  sagaName: 'saga.name',
  sagaVersion: 'saga.version',
  sagaStatus: 'saga.status',
  correlationId: 'saga.correlation_id',
  step: 'saga.step',
  attempt: 'saga.attempt',
  commandKind: 'saga.command.kind',
  attemptOutcome: 'saga.attempt.outcome',
  errorCode: 'saga.error.code',
  replyMessageId: 'saga.reply.message_id',
  messagingSystem: 'messaging.system',
  messagingOperation: 'messaging.operation.type',
  messagingDestination: 'messaging.destination.name',
  messageId: 'messaging.message.id',
} as const;
