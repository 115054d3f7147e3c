import { type DeletedRows, noDeletedRows, retentionTables } from '../persistence/retention-sql';

/** The engine's saga_retention_deleted_total per table, read from its /metrics. */
export async function retentionDeleted(baseUrl: string): Promise<DeletedRows> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const deleted = noDeletedRows();
  for (const table of retentionTables) {
    const line = new RegExp(`^saga_retention_deleted_total\\{table="${table}"\\} (\\d+)$`, 'm').exec(text);
    deleted[table] = Number(line?.[1] ?? 0);
  }
  return deleted;
}
