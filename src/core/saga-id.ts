const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Saga ids are UUIDs: anything else names no saga, and is never sent to the database. */
export function isSagaId(value: string): boolean {
  return UUID.test(value);
}
