import { cloneJson } from 'saga-orchestrator-sdk/contracts';
import { orderRunAfter } from './fixtures';

describe('cloneJson', () => {
  it('copies plain data deeply: the copy equals the original and shares no object or array with it', () => {
    const original = { a: [1, { b: 'x', c: null }], d: { e: true, f: [[2]] }, g: undefined };

    const copy = cloneJson(original);

    expect(copy).toStrictEqual(original);
    expect(copy.a).not.toBe(original.a);
    expect(copy.a[1]).not.toBe(original.a[1]);
    expect(copy.d.f[0]).not.toBe(original.d.f[0]);
    (copy.a[1] as { b: string }).b = 'changed';
    copy.d.f[0]!.push(3);
    expect(original).toStrictEqual({ a: [1, { b: 'x', c: null }], d: { e: true, f: [[2]] }, g: undefined });
  });

  it('copies a saga state as structuredClone would', () => {
    const { state } = orderRunAfter(2);

    expect(cloneJson(state)).toStrictEqual(structuredClone(state));
  });
});
