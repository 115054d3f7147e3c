import { randomUUID } from 'node:crypto';
import type { Command } from 'saga-orchestrator-sdk/contracts';
import { parseCommand } from 'saga-orchestrator-sdk/internal/sdk/command-parsing';

const limit = 4096;

function command(overrides: Partial<Command> = {}): Command {
  return {
    message_id: randomUUID(),
    type: 'ReserveInventory',
    kind: 'action',
    saga: { id: 's-1', name: 'order-fulfillment', version: 1 },
    step: 'reserve-inventory',
    attempt: 1,
    idempotency_key: 's-1:reserve-inventory:action',
    correlation_id: 'c-1',
    causation_id: 's-1',
    timestamp: '2026-11-25T10:30:00.000Z',
    deadline: '2026-11-25T10:30:10.000Z',
    payload: {},
    ...overrides,
  };
}

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

/** `depth` arrays nested in the payload: the payload is level 2, so the body is `depth + 2` deep. */
const withNestedPayload = (depth: number) =>
  Buffer.from(
    JSON.stringify(command()).replace(
      '"payload":{}',
      `"payload":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    ),
  );

describe('parseCommand', () => {
  it('reads a command', () => {
    const sent = command({ payload: { orderId: 'o-1' } });
    expect(parseCommand(bytes(sent), limit)).toEqual({ ok: true, command: sent });
  });

  it.each([
    [
      'larger than the limit',
      Buffer.alloc(limit + 1, 0x20),
      `the command body is ${limit + 1} bytes, more than the limit of ${limit}`,
    ],
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'the command body is not valid UTF-8'],
    [
      'a lone UTF-16 surrogate encoded in UTF-8',
      Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]),
      'the command body is not valid UTF-8',
    ],
    [
      'nested deeper than 128 levels',
      withNestedPayload(127),
      'the command body is nested deeper than 128 levels',
    ],
    [
      'an id longer than 200 characters',
      bytes(command({ causation_id: 'c'.repeat(201) })),
      expect.stringMatching(/^not a command: causation_id: Too big/),
    ],
    [
      'a saga id longer than 200 characters',
      bytes(command({ saga: { id: 's'.repeat(201), name: 'n', version: 1 } })),
      expect.stringMatching(/^not a command: saga\.id: Too big/),
    ],
    [
      'a message_id too long for an AMQP short string',
      bytes(command({ message_id: '€'.repeat(86) })),
      expect.stringMatching(/^not a command: message_id: longer than 255 bytes/),
    ],
    ['not JSON', Buffer.from('{"a":'), expect.stringMatching(/^the command body is not valid JSON: /)],
    [
      'JSON but not a command',
      bytes([1, 2]),
      'not a command: (body): Invalid input: expected object, received array',
    ],
  ])('refuses a body %s', (_case, content, reason) => {
    expect(parseCommand(content, limit)).toEqual({ ok: false, reason });
  });

  it('reads a payload nested up to the limit, and ids of exactly 200 characters', () => {
    expect(parseCommand(withNestedPayload(126), limit).ok).toBe(true);
    expect(parseCommand(bytes(command({ step: 's'.repeat(200) })), limit).ok).toBe(true);
  });
});
