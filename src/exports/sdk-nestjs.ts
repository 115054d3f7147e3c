/** `saga-orchestrator/sdk/nestjs`: the SDK's NestJS binding, from the `saga-orchestrator-sdk` package. */
export * from 'saga-orchestrator-sdk/nestjs';
