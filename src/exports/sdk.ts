/** `saga-orchestrator/sdk`: the participant SDK, which lives in the `saga-orchestrator-sdk` package. */
export * from 'saga-orchestrator-sdk';
