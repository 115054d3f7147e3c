import { parseFault, planFaults } from '../../../src/simulation';
import { ORDER_FILE, definitionIn, fixture } from './simulation-fixtures';

describe('parseFault', () => {
  it.each([
    ['charge-payment=fail', { step: 'charge-payment', kind: 'action', mode: { type: 'fail' } }],
    [
      'charge-payment=retry',
      { step: 'charge-payment', kind: 'action', mode: { type: 'retry', failures: 1 } },
    ],
    [
      'charge-payment=retry:3',
      { step: 'charge-payment', kind: 'action', mode: { type: 'retry', failures: 3 } },
    ],
    ['a=timeout', { step: 'a', kind: 'action', mode: { type: 'timeout', unanswered: 1 } }],
    ['a:comp=timeout:2', { step: 'a', kind: 'compensation', mode: { type: 'timeout', unanswered: 2 } }],
    ['a:comp=fail', { step: 'a', kind: 'compensation', mode: { type: 'fail' } }],
  ])('reads %s', (spec, fault) => {
    expect(parseFault(spec)).toEqual({ ok: true, fault });
  });

  it.each([
    ['charge-payment', '--fault "charge-payment": expected <step>=<fault> or <step>:comp=<fault>'],
    ['=fail', '--fault "=fail": expected <step>=<fault> or <step>:comp=<fault>'],
    [':comp=fail', '--fault ":comp=fail": expected a step name before ":comp"'],
    [
      'a=explode',
      '--fault "a=explode": unknown fault "explode"; use fail, retry, retry:N, timeout or timeout:N',
    ],
    ['a=retry:0', '--fault "a=retry:0": N must be a whole number from 1'],
    [
      'a=retry:-1',
      '--fault "a=retry:-1": unknown fault "retry:-1"; use fail, retry, retry:N, timeout or timeout:N',
    ],
    [
      'a=fail:2',
      '--fault "a=fail:2": unknown fault "fail:2"; use fail, retry, retry:N, timeout or timeout:N',
    ],
  ])('refuses %s', (spec, message) => {
    expect(parseFault(spec)).toEqual({ ok: false, message });
  });
});

describe('planFaults', () => {
  const order = definitionIn(ORDER_FILE);
  const trip = definitionIn(fixture('trip-booking.yaml'));

  it('accepts faults on steps that exist and compensations that exist', () => {
    const plan = planFaults(order, ['charge-payment=fail', 'charge-payment:comp=retry:2']);

    expect(plan.ok).toBe(true);
  });

  it('lists every problem: an unknown step, a group, a missing compensation, a second fault on one target', () => {
    const plan = planFaults(trip, [
      'book-car=fail',
      'book-travel=fail',
      'charge-card:comp=fail',
      'hold-seat=retry:2',
      'hold-seat=timeout',
    ]);

    expect(plan).toEqual({
      ok: false,
      problems: [
        '--fault "book-car=fail": the saga has no step "book-car" (its steps: hold-seat, book-flight, book-hotel, charge-card, send-itinerary)',
        '--fault "book-travel=fail": "book-travel" is a parallel group; name one of its steps',
        '--fault "charge-card:comp=fail": step "charge-card" has no compensation',
        '--fault "hold-seat=timeout": the action of "hold-seat" already has a fault',
      ],
    });
  });
});
