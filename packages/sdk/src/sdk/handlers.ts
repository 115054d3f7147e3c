import type { z } from 'zod';
import type { JsonObject } from '../contracts/json';
import type { CommandContext } from './context';

/** What a handler returns: the success reply's `output` (`undefined` means `{}`). */
export type HandlerResult = Promise<JsonObject | void> | JsonObject | void;

/**
 * Handles one command type with the raw payload. Returns the success reply's `output`; throws `BusinessError`
 * for a final failure, `RetryableError` (or anything else) for one the engine may retry.
 */
export type CommandHandler = (payload: JsonObject, ctx: CommandContext) => HandlerResult;

/** A handler whose payload is checked against a zod schema before it runs (see `defineHandler`). */
export interface HandlerDefinition<Schema extends z.ZodType = z.ZodType> {
  /** The payload's schema; a payload that does not match gets a non-retryable `INVALID_PAYLOAD` failure. */
  readonly payload: Schema;
  /** Receives the parsed payload (`z.output` of the schema: defaults applied, transforms run). */
  handle(payload: z.output<Schema>, ctx: CommandContext): HandlerResult;
}

/** Either form a participant accepts for a command type. */
export type HandlerDeclaration = CommandHandler | HandlerDefinition;

/**
 * Declares a handler with a typed payload:
 * `defineHandler({ payload: z.object({ orderId: z.string() }), handle: async ({ orderId }, ctx) => ({ … }) })`.
 */
export function defineHandler<Schema extends z.ZodType>(
  definition: HandlerDefinition<Schema>,
): HandlerDefinition<Schema> {
  return definition;
}

/** A handler in the one form the SDK runs: parse the payload, then handle it. */
export interface CompiledHandler {
  parse(payload: JsonObject): { ok: true; value: unknown } | { ok: false; message: string };
  handle(payload: unknown, ctx: CommandContext): HandlerResult;
}

/** `null` when `declaration` is neither a function nor a `defineHandler` definition. */
export function compileHandler(declaration: unknown): CompiledHandler | null {
  if (typeof declaration === 'function') {
    const handler = declaration as CommandHandler;
    return {
      parse: (payload) => ({ ok: true, value: payload }),
      handle: (payload, ctx) => handler(payload as JsonObject, ctx),
    };
  }
  if (!isHandlerDefinition(declaration)) return null;
  const { payload: schema } = declaration;
  return {
    parse(payload) {
      const result = schema.safeParse(payload);
      return result.success
        ? { ok: true, value: result.data }
        : { ok: false, message: describeIssues(result.error) };
    },
    handle: (payload, ctx) => declaration.handle(payload, ctx),
  };
}

function isHandlerDefinition(value: unknown): value is HandlerDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const { payload, handle } = value as Partial<HandlerDefinition>;
  return (
    typeof handle === 'function' &&
    typeof payload === 'object' &&
    payload !== null &&
    typeof (payload as { safeParse?: unknown }).safeParse === 'function'
  );
}

/** Every failing field, `payload.items.0.sku: expected string, received number`, joined by `; `. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = ['payload', ...issue.path.map(String)].join('.');
      return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
    })
    .join('; ');
}
