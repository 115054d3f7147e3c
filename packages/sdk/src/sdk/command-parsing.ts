import { isUtf8 } from 'node:buffer';
import { parseBoundedJson } from '../contracts/bounded-json';
import { type Command, commandSchema } from '../contracts/command';

/**
 * Deepest nesting read in a command body. A payload embeds the saga's input and step outputs, each at most 64
 * levels deep (the engine's reply limit), plus the envelope: 128 leaves room for both.
 */
export const maxCommandDepth = 128;

/** AMQP short strings hold at most 255 bytes; a reply's `correlationId` is the command's `message_id`. */
const maxShortStringBytes = 255;

export type ParsedCommand = { ok: true; command: Command } | { ok: false; reason: string };

/**
 * Reads a command body from untrusted bytes: its size, its encoding and its nesting depth are checked before it
 * is parsed, then it must match the command schema (ids at most `WireLimits.maxIdLength` long). Never throws.
 */
export function parseCommand(content: Buffer, maxBytes: number): ParsedCommand {
  if (content.length <= maxBytes && !isUtf8(content)) {
    return { ok: false, reason: 'the command body is not valid UTF-8' };
  }
  const json = parseBoundedJson(content, { maxBytes, maxDepth: maxCommandDepth });
  if (!json.ok) return { ok: false, reason: `the command body ${json.reason}` };
  const result = commandSchema.safeParse(json.value);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
    );
    return { ok: false, reason: `not a command: ${issues.join('; ')}` };
  }
  const command = result.data;
  if (Buffer.byteLength(command.message_id) > maxShortStringBytes) {
    return {
      ok: false,
      reason: `not a command: message_id: longer than ${maxShortStringBytes} bytes in UTF-8, so no reply could name it in correlationId`,
    };
  }
  return { ok: true, command };
}
