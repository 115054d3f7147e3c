import { z } from 'zod';
import type { JsonValue } from 'saga-orchestrator-sdk/contracts';

/**
 * Data the engine hands back as it was given (a saga's input, a step's output, a log entry's data). A client is
 * told "any JSON value" rather than JSON's recursive grammar: TypeScript cannot compile the recursive union
 * openapi-typescript generates from that grammar (openapi-ts/openapi-typescript#1603), and a body parsed from JSON
 * holds nothing else anyway. The engine's side keeps the precise type.
 */
export const jsonValueResponseSchema = z.unknown().describe('any JSON value') as z.ZodType<JsonValue>;

export const jsonObjectResponseSchema = z.record(z.string(), jsonValueResponseSchema);
