import {
  FailureCode,
  type IdempotencyRecord,
  answers,
  createMemoryIdempotencyStore,
  isTombstone,
  supersedes,
  tombstoneAttempt,
} from 'saga-orchestrator-sdk';
import { actionKeyOf, tombstoneFor } from 'saga-orchestrator-sdk/internal/sdk/idempotency';
import { compensationOf, testCommand } from '../../support/sdk-broker';

const action = testCommand('ReserveInventory');
const compensation = compensationOf(action, 'ReleaseInventory');
const tombstone = tombstoneFor(compensation);

const success = (attempt: number): IdempotencyRecord => ({
  outcome: 'success',
  output: { reservationId: `r-${attempt}` },
  attempt,
  messageId: `m-${attempt}`,
});
const failure = (attempt: number, code = 'OUT_OF_STOCK'): IdempotencyRecord => ({
  outcome: 'failure',
  error: { code, message: 'refused', retryable: false },
  attempt,
  messageId: `m-${attempt}`,
});

describe('tombstoneFor', () => {
  it('is a non-retryable COMPENSATED_BEFORE_ACTION failure recorded for the compensation', () => {
    expect(tombstone).toEqual({
      outcome: 'failure',
      error: {
        code: FailureCode.compensatedBeforeAction,
        message: 'step "reserve-inventory" was compensated before this action ran; the action will not run',
        retryable: false,
      },
      attempt: tombstoneAttempt,
      messageId: compensation.message_id,
    });
    expect(FailureCode.compensatedBeforeAction).toBe('COMPENSATED_BEFORE_ACTION');
    expect(isTombstone(tombstone)).toBe(true);
  });

  it.each([
    ['a success', success(1)],
    ['a business failure', failure(3)],
    ['a handler failure with the same code', failure(3, FailureCode.compensatedBeforeAction)],
  ])('is told apart from %s', (_name, record) => {
    expect(isTombstone(record)).toBe(false);
  });
});

describe('answers', () => {
  it.each([
    ['a success answers any attempt', success(2), 7, true],
    ['a failure answers its own attempt', failure(2), 2, true],
    ['a failure answers an earlier attempt', failure(2), 1, true],
    ['a failure does not answer a later attempt', failure(2), 3, false],
    ['a tombstone answers the first attempt', tombstone, 1, true],
    ['a tombstone answers any later attempt', tombstone, tombstoneAttempt + 1, true],
  ])('%s', (_name, record, attempt, expected) => {
    expect(answers(record, attempt)).toBe(expected);
  });
});

describe('supersedes', () => {
  it.each([
    ['a later attempt replaces a failure', failure(1), success(2), true],
    ['the same attempt does not replace a failure', failure(2), success(2), false],
    ['nothing replaces a success', success(1), success(2), false],
    ['a tombstone does not replace a success', success(1), tombstone, false],
    ['nothing replaces a tombstone', tombstone, success(tombstoneAttempt + 1), false],
  ])('%s', (_name, current, next, expected) => {
    expect(supersedes(current, next)).toBe(expected);
  });
});

describe('actionKeyOf', () => {
  it('names the action of the compensation step', () => {
    expect(actionKeyOf(compensation)).toBe(action.idempotency_key);
  });

  it('is null when the compensation key does not follow <saga id>:<step>:compensation', () => {
    expect(actionKeyOf({ ...compensation, idempotency_key: 'custom-key' })).toBeNull();
    expect(actionKeyOf({ ...compensation, step: 'charge-card' })).toBeNull();
  });
});

describe('memory idempotency store tombstones', () => {
  const key = action.idempotency_key;

  it('records a tombstone for an action without a record, and keeps it', async () => {
    const store = createMemoryIdempotencyStore();
    expect(await store.recordTombstone!(key, tombstone)).toEqual(tombstone);
    expect(await store.find(key)).toEqual(tombstone);

    const second = tombstoneFor(compensationOf(action, 'ReleaseInventory'));
    expect(await store.recordTombstone!(key, second)).toEqual(tombstone);
  });

  it.each([
    ['a success', success(1)],
    ['a business failure', failure(1)],
  ])('leaves %s of the action standing', async (_name, recorded) => {
    const store = createMemoryIdempotencyStore();
    await store.record(key, recorded);
    expect(await store.recordTombstone!(key, tombstone)).toEqual(recorded);
    expect(await store.find(key)).toEqual(recorded);
  });

  it.each([
    ['a success of the first attempt', success(1)],
    ['a success of a later attempt', success(5)],
    ['a business failure', failure(2)],
  ])('keeps the tombstone against %s recorded afterwards', async (_name, late) => {
    const store = createMemoryIdempotencyStore();
    await store.recordTombstone!(key, tombstone);
    expect(await store.record(key, late)).toEqual(tombstone);
  });
});
