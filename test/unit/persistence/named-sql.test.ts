import { namedStatement } from '../../../src/persistence/named-sql';

describe('namedStatement', () => {
  it('numbers parameters by first appearance and fills them from an object', () => {
    const statement = namedStatement<{ id: string; limit: number }>(
      'SELECT * FROM t WHERE id = $id OR parent = $id::uuid LIMIT $limit',
      'by-id',
    );
    expect(statement({ limit: 5, id: 'x' })).toEqual({
      name: 'by-id',
      text: 'SELECT * FROM t WHERE id = $1 OR parent = $1::uuid LIMIT $2',
      values: ['x', 5],
    });
  });

  it('refuses values the text does not use and names it does not get', () => {
    const statement = namedStatement<Record<string, unknown>>('SELECT $a');
    expect(() => statement({ a: 1, b: 2 })).toThrow('unused b');
    expect(() => statement({})).toThrow('missing a');
  });
});
