import {
  type AnsweredCommand,
  type JsonObject,
  type Reply,
  replyAnswering,
} from 'saga-orchestrator-sdk/contracts';
import { BusinessError } from 'saga-orchestrator-sdk';
import { replyError } from 'saga-orchestrator-sdk/internal/sdk/command-handling';
import { boundReply, minReplyBytes } from 'saga-orchestrator-sdk/internal/sdk/reply-bounds';

const command: AnsweredCommand = { message_id: 'c-1', saga: { id: 's-1' }, step: 'pick', kind: 'action' };
const timestamp = '2026-11-25T10:30:00.000Z';

function success(output: JsonObject, answering = command, messageId = 'r-1'): Reply {
  return replyAnswering(answering, { message_id: messageId, outcome: 'success', output, timestamp });
}

function nested(depth: number): JsonObject {
  let value: JsonObject = {};
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
}

describe('boundReply', () => {
  it('keeps a reply within the limits, encoded', () => {
    const reply = success(nested(63));
    const bounded = boundReply(reply, 1_000_000);
    expect(bounded).toEqual({ reply, body: Buffer.from(JSON.stringify(reply)), refused: null });
  });

  it.each([
    [
      'larger than the limit',
      success({ blob: 'x'.repeat(20_000) }),
      /^the reply would be 20\d{3} bytes, more than the limit of 10000$/,
    ],
    [
      'nested deeper than 64 levels',
      success({ tree: nested(64) }),
      /^the reply would be nested deeper than 64 levels/,
    ],
  ])('replaces a reply %s by a non-retryable OUTPUT_TOO_LARGE failure', (_case, reply, reason) => {
    const bounded = boundReply(reply, 10_000);
    expect(bounded.refused).toMatch(reason);
    expect(bounded.reply).toEqual(
      replyAnswering(command, {
        message_id: 'r-1',
        outcome: 'failure',
        error: { code: 'OUTPUT_TOO_LARGE', message: bounded.refused!, retryable: false },
        timestamp,
      }),
    );
    expect(JSON.parse(bounded.body.toString())).toEqual(bounded.reply);
  });

  it('fits the failure within the smallest limit accepted, whatever the ids', () => {
    const id = '\u0001'.repeat(200);
    const reply = success(
      { blob: 'x'.repeat(minReplyBytes) },
      { message_id: id, saga: { id }, step: id, kind: 'action' },
      id,
    );
    expect(boundReply(reply, minReplyBytes).body.length).toBeLessThanOrEqual(minReplyBytes);
  });
});

describe('replyError', () => {
  it.each([
    ['a code of 200 characters as it is', 'E'.repeat(200), 'E'.repeat(200)],
    ['a longer code cut to 200 characters', 'E'.repeat(500), 'E'.repeat(200)],
    ['no half of a surrogate pair at the cut', `${'E'.repeat(199)}😀`, 'E'.repeat(199)],
    ['an empty code as HANDLER_ERROR', '', 'HANDLER_ERROR'],
  ])('keeps %s', (_case, code, expected) => {
    expect(replyError(new BusinessError(code, 'no'))).toEqual({
      code: expected,
      message: 'no',
      retryable: false,
    });
  });
});

describe('boundReply and text the engine cannot store', () => {
  it('answers an output holding U+0000 or a lone surrogate with a non-retryable INVALID_OUTPUT, naming where', () => {
    for (const [output, where] of [
      [{ note: 'a\u0000b' }, 'output.note'],
      [{ list: ['\ud800'] }, 'output.list.0'],
    ] satisfies Array<[JsonObject, string]>) {
      const bounded = boundReply(success(output), 1_000_000);
      expect(bounded.reply).toMatchObject({
        outcome: 'failure',
        error: { code: 'INVALID_OUTPUT', retryable: false },
      });
      expect(bounded.refused).toMatch(
        new RegExp(`^the reply holds text the engine cannot store: ${where.replace('.', '\\.')}`),
      );
    }
  });

  it('keeps escaped text the engine can store', () => {
    const reply = success({ note: 'é😀\t"' });
    expect(boundReply(reply, 1_000_000).refused).toBeNull();
  });
});
