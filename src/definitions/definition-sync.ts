import type { DataSource } from 'typeorm';
import { StartupError } from '../shared/startup-error';
import { compileDefinition, problemText } from '../core/definition/compile';
import type { SagaDefinition } from '../core/definition/types';
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
 * Stores every newly loaded version and refuses a file that changed under an unchanged name and version; returns
 * every stored version (running sagas may still use old ones).
 */
export async function storeDefinitions(
  dataSource: DataSource,
  loaded: LoadedDefinition[],
): Promise<StoredDefinitionRow[]> {
  return inTransaction(dataSource, async (db) => {
    await db.query(lockDefinitions());
    const existing = (await db.query<StoredDefinitionRow>(selectDefinitions())).rows;
    const byKey = new Map(existing.map((row) => [`${row.name}@${row.version}`, row]));
    const problems: string[] = [];
    const added = loaded.filter(({ definition }) => !byKey.has(`${definition.name}@${definition.version}`));
    for (const { file, definition, fingerprint } of loaded) {
      const previous = byKey.get(`${definition.name}@${definition.version}`);
      if (previous !== undefined && previous.fingerprint !== fingerprint) {
        problems.push(
          `${file}: saga "${definition.name}" version ${definition.version} differs from the stored definition; ` +
            'a changed definition needs a new version',
        );
      }
    }
    if (problems.length > 0) {
      throw new DefinitionConflictError(problems);
    }
    for (const { definition, document, fingerprint } of added) {
      await db.query(
        insertDefinition(definition.name, definition.version, definition.description, document, fingerprint),
      );
    }
    return (await db.query<StoredDefinitionRow>(selectDefinitions())).rows;
  });
}

/** Compiles stored versions; any that no longer compiles is a problem. */
export function compileStored(stored: StoredDefinitionRow[]): SagaDefinition[] {
  const problems: string[] = [];
  const definitions: SagaDefinition[] = [];
  for (const row of stored) {
    const compiled = compileDefinition(row.document);
    if (compiled.ok) definitions.push(compiled.definition);
    else {
      problems.push(...compiled.problems.map((p) => `stored ${row.name}@${row.version}: ${problemText(p)}`));
    }
  }
  if (problems.length > 0) {
    throw new DefinitionConflictError(problems);
  }
  return definitions;
}

/** Stores the loaded files and returns the registry of every stored version, reading later ones when asked. */
export async function syncDefinitions(
  dataSource: DataSource,
  loaded: LoadedDefinition[],
): Promise<DefinitionRegistry> {
  const definitions = compileStored(await storeDefinitions(dataSource, loaded));
  const registry = new DefinitionRegistry(
    async (keys) => (await runQuery<StoredDefinitionRow>(dataSource, selectDefinitionVersions(keys))).rows,
  );
  registry.replace(definitions, currentVersionsOf(loaded));
  return registry;
}

export function currentVersionsOf(loaded: LoadedDefinition[]): Map<string, number> {
  return new Map(loaded.map(({ definition }) => [definition.name, definition.version]));
}
