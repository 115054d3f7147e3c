import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export const SAGA_COMMAND_HANDLER = 'saga-orchestrator:command-handler';

export interface SagaCommandHandlerOptions {
  /** The payload's zod schema: an invalid payload gets a non-retryable `INVALID_PAYLOAD` failure. */
  payload?: z.ZodType;
}

export interface SagaCommandHandlerMetadata extends SagaCommandHandlerOptions {
  type: string;
}

/**
 * Makes a provider's method the handler of one command type, e.g.
 * `@SagaCommandHandler('ReserveInventory', { payload: reserveSchema })
 *  reserve(payload: z.infer<typeof reserveSchema>, ctx: CommandContext) { … }`.
 * It receives the (parsed) payload and the command context; what it returns, or throws, is the reply.
 */
export function SagaCommandHandler(type: string, options: SagaCommandHandlerOptions = {}): MethodDecorator {
  return SetMetadata<string, SagaCommandHandlerMetadata>(SAGA_COMMAND_HANDLER, { type, ...options });
}
