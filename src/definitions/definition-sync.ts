import type { DataSource } from 'typeorm';
import { StartupError } from '../shared/startup-error';
import { compileDefinition } from '../core/definition/compile';
import {
  type StoredDefinitionRow,
  insertDefinition,
  lockDefinitions,
  selectDefinitionVersions,
  selectDefinitions,
} from '../persistence/definition-sql';
import { inTransaction, runQuery } from '../persistence/sql';
import type { LoadedDefinition } from './definition-files';
import { DefinitionRegistry } from './definition-registry';

/** A file changed under a stored name and version, or a stored version no longer compiles. */
export class DefinitionConflictError extends StartupError {
  readonly code = 'DEFINITION_CONFLICT';
}

/**
 * Stores every newly loaded version, refuses a file that changed under an unchanged name and version,
 * and returns every stored version (running sagas may still use old ones).
 */
export async function syncDefinitions(
  dataSource: DataSource,
  loaded: LoadedDefinition[],
): Promise<DefinitionRegistry> {
  const stored = await inTransaction(dataSource, async (db) => {
    await db.query(lockDefinitions());
    const existing = (await db.query<StoredDefinitionRow>(selectDefinitions())).rows;
    const byKey = new Map(existing.map((row) => [`${row.name}@${row.version}`, row]));
    const problems: string[] = [];
    for (const { file, definition, document, fingerprint } of loaded) {
      const previous = byKey.get(`${definition.name}@${definition.version}`);
      if (previous === undefined) {
        await db.query(
          insertDefinition(
            definition.name,
            definition.version,
            definition.description,
            document,
            fingerprint,
          ),
        );
      } else if (previous.fingerprint !== fingerprint) {
        problems.push(
          `${file}: saga "${definition.name}" version ${definition.version} differs from the stored definition; ` +
            'a changed definition needs a new version',
        );
      }
    }
    if (problems.length > 0) {
      throw new DefinitionConflictError(problems);
    }
    return (await db.query<StoredDefinitionRow>(selectDefinitions())).rows;
  });

  const currentVersions = new Map(loaded.map(({ definition }) => [definition.name, definition.version]));
  const registry = new DefinitionRegistry(
    async (keys) => (await runQuery<StoredDefinitionRow>(dataSource, selectDefinitionVersions(keys))).rows,
  );
  const problems: string[] = [];
  for (const row of stored) {
    const compiled = compileDefinition(row.document);
    if (!compiled.ok) {
      problems.push(
        ...compiled.problems.map(
          (p) => `stored ${row.name}@${row.version}: ${p.path ? `${p.path}: ` : ''}${p.message}`,
        ),
      );
      continue;
    }
    registry.add(compiled.definition, currentVersions.get(row.name) === row.version);
  }
  if (problems.length > 0) {
    throw new DefinitionConflictError(problems);
  }
  return registry;
}
