export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** Numbers read better right-aligned. */
  align?: 'left' | 'right';
}

/** The widest a cell gets in a table for people; `--json` has every value whole. */
export const MAX_CELL_WIDTH = 80;

/**
 * Rows as aligned text columns under an upper-case header, two spaces apart, without trailing spaces. A cell is
 * kept on one line and cut at `MAX_CELL_WIDTH` characters with `…`.
 */
export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string[] {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row))));
  const headers = columns.map((column) => column.header.toUpperCase());
  const widths = columns.map((_, index) =>
    Math.max(headers[index]!.length, ...cells.map((line) => line[index]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) =>
        columns[index]!.align === 'right' ? value.padStart(widths[index]!) : value.padEnd(widths[index]!),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)];
}

/** Name–value lines for one record (a saga's header), the values aligned; empty values are left out. */
export function renderFields(fields: ReadonlyArray<readonly [string, string]>): string[] {
  const shown = fields.filter(([, value]) => value !== '');
  const width = Math.max(0, ...shown.map(([name]) => name.length));
  return shown.map(([name, value]) => `${`${name}:`.padEnd(width + 1)}  ${cellText(value)}`);
}

function cellText(value: string): string {
  const oneLine = value.replace(/\s*[\r\n]+\s*/g, ' ');
  return oneLine.length > MAX_CELL_WIDTH ? `${oneLine.slice(0, MAX_CELL_WIDTH - 1)}…` : oneLine;
}
