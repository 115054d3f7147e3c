import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { readSagasForReplies } from '../../src/persistence/saga-sql';
import { updateSagas } from '../../src/persistence/saga-change-sql';
import type { SqlStatement } from '../../src/persistence/sql';
import { type MigratedDatabase, createMigratedDatabase } from '../support/database';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/**
 * Each connection plans the hot path's statements once and keeps the plan until a table's statistics change,
 * so on a fresh install the plans are made on empty tables. They must look each saga up by its key: a scan
 * planned for an empty table would read every saga on every write as the table grows.
 */
describe('hot path statements planned on empty tables', () => {
  let database: MigratedDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createMigratedDatabase(2);
    dataSource = database.dataSource;
  });

  afterAll(async () => {
    await database?.drop();
  });

  /** The saga_instances nodes of the plan an engine connection makes for `statement`. */
  async function sagaTableNodes(statement: SqlStatement, args: string[]): Promise<PlanNode[]> {
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    try {
      // Parameter types are inferred from the statement, as when the engine prepares it.
      await client.query(`PREPARE planned AS ${statement.text}`);
      const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
        `EXPLAIN (FORMAT JSON) EXECUTE planned (${args.join(', ')})`,
      );
      await client.query('DEALLOCATE planned');
      return nodesOf(rows[0]!['QUERY PLAN'][0]!.Plan).filter(
        (node) => node['Relation Name'] === 'saga_instances',
      );
    } finally {
      client.release();
    }
  }

  const lookupsByKey = (nodes: PlanNode[]) =>
    nodes.map((node) => ({
      type: node['Node Type'],
      index: node['Index Name'],
      byId: /\(id = /.test(node['Index Cond'] ?? ''),
    }));

  it('the saga change locks and updates each saga through a primary-key lookup', async () => {
    const statement = updateSagas([], []);
    expect(statement.values).toHaveLength(10);
    // Empty arrays of ids, empty JSON lists, the lease: in the order the statement numbers them.
    const args = statement.values.map((value) =>
      Array.isArray(value) ? "'{}'" : typeof value === 'number' ? String(value) : "'[]'",
    );

    const nodes = await sagaTableNodes(statement, args);

    // Two reads of the table: the lookup that locks, and the row the update replaces; the third node is the
    // update itself.
    const reads = nodes.filter((node) => node['Node Type'] !== 'ModifyTable');
    expect(lookupsByKey(reads)).toEqual([
      { type: 'Index Scan', index: 'saga_instances_pkey', byId: true },
      { type: 'Index Scan', index: 'saga_instances_pkey', byId: true },
    ]);
  });

  it('the read of sagas for replies looks each saga up by its key', async () => {
    const nodes = await sagaTableNodes(readSagasForReplies([], []), ["'{}'", "'{}'"]);

    expect(lookupsByKey(nodes)).toEqual([{ type: 'Index Scan', index: 'saga_instances_pkey', byId: true }]);
  });
});
