/** `saga-orchestrator/contracts`: the wire contract, from the `saga-orchestrator-sdk` package. */
export * from 'saga-orchestrator-sdk/contracts';
