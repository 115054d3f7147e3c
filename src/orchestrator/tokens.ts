/** Injection tokens of the orchestrator's ports: other areas provide them, the orchestrator injects them. */
export const SAGA_STORE = Symbol('SAGA_STORE');
export const COMMAND_PUBLISHER = Symbol('COMMAND_PUBLISHER');
export const DEFINITION_SOURCE = Symbol('DEFINITION_SOURCE');
export const DECISION_LISTENERS = Symbol('DECISION_LISTENERS');
export const REPLY_APPLIER = Symbol('REPLY_APPLIER');
