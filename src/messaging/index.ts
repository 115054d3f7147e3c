/** amqplib helpers of the wire protocol, shared by the engine's transport and the participant SDK. */
export * from './dead-letter';
export * from './publish-confirmed';
export * from './topology';
