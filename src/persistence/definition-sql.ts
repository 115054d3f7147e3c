import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import type { SqlStatement } from './sql';

export interface StoredDefinitionRow {
  name: string;
  version: number;
  document: JsonObject;
  fingerprint: string;
}

/** Held until commit, so that engine processes starting together store definitions one after the other. */
export function lockDefinitions(): SqlStatement {
  return { text: `SELECT pg_advisory_xact_lock(728100418)`, values: [] };
}

export function selectDefinitions(): SqlStatement {
  return {
    text: `SELECT name, version, document, fingerprint FROM saga_definitions ORDER BY name, version`,
    values: [],
  };
}

/** The stored versions among `keys` (name and version pairs); one statement however many. */
export function selectDefinitionVersions(
  keys: ReadonlyArray<{ name: string; version: number }>,
): SqlStatement {
  return {
    text: `SELECT d.name, d.version, d.document, d.fingerprint
           FROM saga_definitions d JOIN unnest($1::text[], $2::int[]) AS k(name, version)
             ON d.name = k.name AND d.version = k.version`,
    values: [keys.map((key) => key.name), keys.map((key) => key.version)],
  };
}

export function insertDefinition(
  name: string,
  version: number,
  description: string | null,
  document: JsonObject,
  fingerprint: string,
): SqlStatement {
  return {
    text: `INSERT INTO saga_definitions (name, version, description, document, fingerprint)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name, version) DO NOTHING`,
    values: [name, version, description, JSON.stringify(document), fingerprint],
  };
}
