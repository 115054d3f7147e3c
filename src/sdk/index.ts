/** Participant SDK: consume saga commands, run a handler per command type, reply (CONTRACT §3). */
export { createParticipant } from './participant';
export type { Participant } from './participant';
export type { CommandContext, CommandHandler, ParticipantLogger, ParticipantOptions } from './options';
export { BusinessError, ParticipantError, ParticipantOptionsError, RetryableError } from './errors';
export type { Command } from '../contracts/command';
export type { JsonObject, JsonValue } from '../contracts/json';
