import { MAX_CELL_WIDTH, renderFields, renderTable } from '../../../src/cli/saga/table';

interface Row {
  name: string;
  count: number;
}

const columns = [
  { header: 'name', value: (row: Row) => row.name },
  { header: 'count', value: (row: Row) => String(row.count), align: 'right' as const },
  { header: 'note', value: (row: Row) => (row.count > 1 ? 'many' : '') },
];

describe('renderTable', () => {
  it('aligns columns under an upper-case header, numbers to the right, without trailing spaces', () => {
    const lines = renderTable(columns, [
      { name: 'reserve-inventory', count: 1 },
      { name: 'ship', count: 12 },
    ]);

    expect(lines).toEqual([
      'NAME               COUNT  NOTE',
      'reserve-inventory      1',
      'ship                  12  many',
    ]);
  });

  it('is the header alone for no rows', () => {
    expect(renderTable(columns, [])).toEqual(['NAME  COUNT  NOTE']);
  });

  it('keeps a cell on one line and cuts it at the widest a cell may be', () => {
    const long = 'x'.repeat(MAX_CELL_WIDTH + 10);
    const [, row] = renderTable([{ header: 'error', value: (text: string) => text }], [`first\n  second`]);
    const [, cut] = renderTable([{ header: 'error', value: (text: string) => text }], [long]);

    expect(row).toBe('first second');
    expect(cut).toHaveLength(MAX_CELL_WIDTH);
    expect(cut!.endsWith('x…')).toBe(true);
  });
});

describe('renderFields', () => {
  it('aligns the values and leaves out the empty ones', () => {
    expect(
      renderFields([
        ['saga', 'abc'],
        ['failing step', ''],
        ['correlation id', 'order-1'],
      ]),
    ).toEqual(['saga:            abc', 'correlation id:  order-1']);
  });
});
