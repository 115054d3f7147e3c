import { findUnstorableText, jsonNestingDepth } from '../contracts/bounded-json';
import { WireLimits } from '../contracts/limits';
import { type AnsweredCommand, type Reply, replyAnswering } from '../contracts/reply';
import { FailureCode } from './failure-codes';

/** A reply ready to publish; `refused` says why the handler's reply was replaced, or is null. */
export interface BoundedReply {
  reply: Reply;
  body: Buffer;
  refused: string | null;
}

/**
 * Smallest `maxReplyBytes` accepted: an `OUTPUT_TOO_LARGE` failure always fits (its ids are at most
 * `WireLimits.maxIdLength` long, at most 6 bytes each once escaped in JSON).
 */
export const minReplyBytes = 8192;

/**
 * Encodes a reply within what the engine reads: one larger than `maxBytes` or nested deeper than
 * `WireLimits.maxReplyDepth` would be dead-lettered there, and the attempt would time out instead. It is replaced
 * by a non-retryable `OUTPUT_TOO_LARGE` failure answering the same command — `INVALID_OUTPUT` when it holds text
 * the engine cannot store (U+0000, an unpaired surrogate).
 */
export function boundReply(reply: Reply, maxBytes: number): BoundedReply {
  const encoded = encodeWithin(reply, maxBytes);
  if (encoded.ok) return { reply, body: encoded.body, refused: null };
  const code = encoded.unstorable ? FailureCode.invalidOutput : FailureCode.outputTooLarge;
  const failure = replyAnswering(commandAnsweredBy(reply), {
    message_id: reply.message_id,
    outcome: 'failure',
    error: { code, message: encoded.reason, retryable: false },
    timestamp: reply.timestamp,
  });
  return { reply: failure, body: Buffer.from(JSON.stringify(failure)), refused: encoded.reason };
}

/** The command a reply answers, as far as the reply names it. */
function commandAnsweredBy(reply: Reply): AnsweredCommand {
  return { message_id: reply.in_reply_to, saga: { id: reply.saga_id }, step: reply.step, kind: reply.kind };
}

function encodeWithin(
  reply: Reply,
  maxBytes: number,
): { ok: true; body: Buffer } | { ok: false; reason: string; unstorable?: true } {
  let body: Buffer;
  try {
    body = Buffer.from(JSON.stringify(reply));
  } catch (error) {
    // JSON.stringify throws only on a structure nested far too deep: it runs out of stack.
    return { ok: false, reason: `the reply cannot be encoded as JSON: ${(error as Error).message}` };
  }
  if (body.length > maxBytes) {
    return {
      ok: false,
      reason: `the reply would be ${body.length} bytes, more than the limit of ${maxBytes}`,
    };
  }
  if (jsonNestingDepth(body, WireLimits.maxReplyDepth) > WireLimits.maxReplyDepth) {
    return {
      ok: false,
      reason: `the reply would be nested deeper than ${WireLimits.maxReplyDepth} levels (its output starts at level 2)`,
    };
  }
  // JSON escapes U+0000 and lone surrogates as `\u…`: without one, there is nothing to look for.
  const unstorable = body.includes('\\u') ? findUnstorableText(reply) : null;
  if (unstorable !== null) {
    return {
      ok: false,
      unstorable: true,
      reason: `the reply holds text the engine cannot store: ${unstorable}`,
    };
  }
  return { ok: true, body };
}
