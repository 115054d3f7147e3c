import { randomUUID } from 'node:crypto';
import {
  type CommandHandler,
  type JsonObject,
  type Logger,
  type Participant,
  createParticipant,
} from 'saga-orchestrator-sdk';
import type { ParticipantBroker } from '../app/engine-environment';

/** Where the example participants say what they do: a line each. */
export type Print = (line: string) => void;

export const printLine: Print = (line) => process.stdout.write(`${line}\n`);

/** A participant of the SDK whose broker trouble and handler crashes are printed, one readable line each. */
export function participant(
  broker: ParticipantBroker,
  name: string,
  print: Print,
  handlers: Record<string, CommandHandler>,
): Participant {
  return createParticipant({ ...broker, participant: name, handlers, logger: printingLogger(name, print) });
}

/** Every attempt of a step carries the same idempotency key: a retry gets the id the first attempt made. */
export class IdempotentIds {
  private readonly ids = new Map<string, string>();

  constructor(private readonly prefix: string) {}

  for(idempotencyKey: string): string {
    const id = this.ids.get(idempotencyKey) ?? `${this.prefix}-${randomUUID().slice(0, 8)}`;
    this.ids.set(idempotencyKey, id);
    return id;
  }
}

/** A compensation's payload carries the action's `output` (null when its outcome is unknown). */
export function outputField(payload: JsonObject, field: string): string | undefined {
  const output = payload.output;
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return undefined;
  const value = output[field];
  return value === undefined || value === null ? undefined : str(value);
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Warnings and errors only: the handlers print the rest. */
function printingLogger(name: string, print: Print): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>) => {
    const details = Object.entries(fields ?? {})
      .filter(([key]) => key !== 'stack')
      .map(([key, value]) => `${key}=${str(value)}`)
      .join(' ');
    print(`[${name}] ${level}: ${message}${details === '' ? '' : ` (${details})`}`);
  };
  return {
    info: () => undefined,
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
