import { formatLogEntry, isOperatorAction } from '../../../src/cli/saga/log-lines';
import { watchExitCode } from '../../../src/cli/saga/exit-codes';

const at = '2026-01-01T10:00:00.000Z';

describe('saga watch: one line per log entry', () => {
  it('names the command and attempt of a command sent, marking a compensation', () => {
    const sent = { kind: 'compensation', type: 'RefundPayment', attempt: 2, messageId: 'm-1' };
    expect(formatLogEntry({ seq: 5, type: 'CommandSent', at, step: 'charge-payment', data: sent })).toBe(
      `${at}  CommandSent               charge-payment        RefundPayment #2 (compensation)`,
    );
  });

  it('gives the error of a failure, the reason and actor of an operator action, the versions of a migration', () => {
    const failed = { attempt: 1, error: { code: 'NO_CARRIER', message: 'none', retryable: false } };
    expect(formatLogEntry({ seq: 6, type: 'StepFailed', at, step: 'schedule-shipment', data: failed })).toBe(
      `${at}  StepFailed                schedule-shipment     attempt 1; NO_CARRIER: none`,
    );
    const migrated = { from: 1, to: 2, reason: 'new carrier', actor: '1a2b3c4d' };
    expect(formatLogEntry({ seq: 7, type: 'SagaMigrated', at, data: migrated })).toBe(
      `${at}  SagaMigrated              -                     version 1 → 2; reason: new carrier; by key 1a2b3c4d`,
    );
    expect(formatLogEntry({ seq: 8, type: 'SagaCompleted', at, data: {} })).toBe(
      `${at}  SagaCompleted             -`,
    );
  });

  it('counts as operator actions the entries that carry an actor, also on an open API', () => {
    expect(isOperatorAction({ seq: 1, type: 'SagaAborted', at, data: { reason: 'x', actor: null } })).toBe(
      true,
    );
    expect(isOperatorAction({ seq: 2, type: 'CompensationStarted', at, data: { reason: 'aborted' } })).toBe(
      false,
    );
  });
});

describe('saga watch: exit code by final status', () => {
  it.each([
    ['COMPLETED', 0],
    ['COMPENSATED', 2],
    ['COMPENSATION_FAILED', 3],
    ['SUSPENDED', 4],
    ['RUNNING', null],
    ['COMPENSATING', null],
  ])('%s exits %p', (status, code) => {
    expect(watchExitCode(status)).toBe(code);
  });
});
