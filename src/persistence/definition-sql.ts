import type { JsonObject } from '../contracts/json';
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
