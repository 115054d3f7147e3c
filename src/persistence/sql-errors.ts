/** The class (first two characters) of the SQLSTATE PostgreSQL gave for an error; null for any other error. */
export function sqlStateClass(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code.slice(0, 2) : null;
}

/**
 * SQLSTATE classes that mean PostgreSQL refused a value it was given: 22 data exception (a NUL in text, a date out
 * of range), 23 integrity constraint violation, 54 program limit exceeded (an index row or a value too large).
 */
const REFUSED_VALUE_CLASSES: ReadonlySet<string> = new Set(['22', '23', '54']);

/**
 * PostgreSQL refused a value it was given: the fault lies with one item of a batch (one reply, one start), so
 * writing the items one by one isolates it, and retrying that item can never succeed. Any other failure (the
 * database unreachable, shutting down, out of connections) is about the database and worth retrying.
 */
export function isRefusedValue(error: unknown): boolean {
  const sqlClass = sqlStateClass(error);
  return sqlClass !== null && REFUSED_VALUE_CLASSES.has(sqlClass);
}

/**
 * Class 40, transaction rollback: a serialization failure or a deadlock. The transaction was rolled back whole and
 * can be run again.
 */
export function isTransactionRollback(error: unknown): boolean {
  return sqlStateClass(error) === '40';
}
