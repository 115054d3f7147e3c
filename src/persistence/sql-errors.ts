/** The class (first two characters) of the SQLSTATE PostgreSQL gave for an error; null for any other error. */
export function sqlStateClass(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code.slice(0, 2) : null;
}

/**
 * PostgreSQL refused a value it was given (SQLSTATE class 22, data exception, or 23, integrity constraint
 * violation): the fault lies with one item of a batch, so writing the items one by one isolates it. Any other
 * failure (the database unreachable, say) would only fail again for each item.
 */
export function isRefusedValue(error: unknown): boolean {
  const sqlClass = sqlStateClass(error);
  return sqlClass === '22' || sqlClass === '23';
}
