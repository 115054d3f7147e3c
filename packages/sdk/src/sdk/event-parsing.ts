import { isUtf8 } from 'node:buffer';
import { parseBoundedJson } from '../contracts/bounded-json';
import { type LifecycleEvent, lifecycleEventSchema } from '../contracts/lifecycle-event';

/**
 * Deepest nesting read in an event body: a step's output is at most 64 levels deep (the engine's reply limit),
 * and the event wraps it.
 */
const maxEventDepth = 128;

export type ParsedEvent = { ok: true; event: LifecycleEvent } | { ok: false; reason: string };

/**
 * Reads a lifecycle event from untrusted bytes: its size, its encoding and its nesting depth are checked before
 * it is parsed, then it must match the event schema. Never throws.
 */
export function parseLifecycleEvent(content: Buffer, maxBytes: number): ParsedEvent {
  if (content.length <= maxBytes && !isUtf8(content)) {
    return { ok: false, reason: 'the event body is not valid UTF-8' };
  }
  const json = parseBoundedJson(content, { maxBytes, maxDepth: maxEventDepth });
  if (!json.ok) return { ok: false, reason: `the event body ${json.reason}` };
  const result = lifecycleEventSchema.safeParse(json.value);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
    );
    return { ok: false, reason: `not a lifecycle event: ${issues.join('; ')}` };
  }
  return { ok: true, event: result.data };
}
