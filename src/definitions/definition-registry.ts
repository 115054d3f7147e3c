import { compileDefinition, problemText } from '../core/definition/compile';
import type { SagaDefinition } from '../core/definition/types';
import type { DefinitionKey, DefinitionSource, RegisteredDefinition } from '../orchestrator/ports';
import type { StoredDefinitionRow } from '../persistence/definition-sql';
import { createInputValidator } from './input-validator';

/** Reads stored definition versions: those of `keys` that exist. */
export type StoredVersionReader = (keys: readonly DefinitionKey[]) => Promise<StoredDefinitionRow[]>;

export interface DefinitionSummary {
  name: string;
  description: string | null;
  /** The version new sagas start on; null when no file defines the name any more. */
  currentVersion: number | null;
  versions: number[];
}

/** Every stored definition version, and which one new sagas of each name start on. */
export class DefinitionRegistry implements DefinitionSource {
  private readonly versions = new Map<string, Map<number, RegisteredDefinition>>();
  private readonly current = new Map<string, number>();
  /** Reads of versions stored after this process started, in flight: one read per version however many ask. */
  private readonly reading = new Map<string, Promise<void>>();
  /** Versions storage was asked for and could not give, with the reason. */
  private readonly missing = new Map<string, string>();
  private readonly participantListeners: Array<(participants: string[]) => void> = [];

  constructor(private readonly readStored: StoredVersionReader | null = null) {}

  /**
   * Holds these versions (besides those it has) and starts new sagas of each name on `current`'s version: what
   * start-up and a reload do. Whoever listens learns the participants no version named before.
   */
  replace(definitions: SagaDefinition[], current: ReadonlyMap<string, number>): void {
    this.hold(
      definitions.filter((definition) => this.get(definition.name, definition.version) === undefined),
    );
    this.current.clear();
    for (const [name, version] of current) this.current.set(name, version);
  }

  /** Adds versions it did not hold; tells the listeners about participants none named before. */
  private hold(definitions: SagaDefinition[]): void {
    const before = new Set(this.participants());
    for (const definition of definitions) {
      this.add(definition, false);
      this.missing.delete(keyOf(definition));
    }
    const added = this.participants().filter((participant) => !before.has(participant));
    if (added.length > 0) for (const listener of this.participantListeners) listener(added);
  }

  /** Calls `listener` with the participants a later version names for the first time. */
  onNewParticipants(listener: (participants: string[]) => void): void {
    this.participantListeners.push(listener);
  }

  add(definition: SagaDefinition, isCurrent: boolean): void {
    const byVersion = this.versions.get(definition.name) ?? new Map<number, RegisteredDefinition>();
    byVersion.set(definition.version, {
      definition,
      validateInput: createInputValidator(definition.inputSchema),
    });
    this.versions.set(definition.name, byVersion);
    if (isCurrent) {
      this.current.set(definition.name, definition.version);
    }
  }

  get(name: string, version: number): SagaDefinition | undefined {
    return this.versions.get(name)?.get(version)?.definition;
  }

  async ensure(keys: readonly DefinitionKey[]): Promise<void> {
    const missing = new Map<string, DefinitionKey>();
    for (const key of keys) {
      if (this.get(key.name, key.version) === undefined) missing.set(keyOf(key), key);
    }
    if (missing.size === 0 || this.readStored === null) return;
    const toRead = [...missing].filter(([id]) => !this.reading.has(id)).map(([, key]) => key);
    if (toRead.length > 0) {
      const read = this.readVersions(toRead);
      for (const key of toRead) this.reading.set(keyOf(key), read);
    }
    await Promise.all([...missing.keys()].map((id) => this.reading.get(id)));
  }

  unavailable(name: string, version: number): string | undefined {
    return this.missing.get(keyOf({ name, version }));
  }

  private async readVersions(keys: DefinitionKey[]): Promise<void> {
    try {
      const rows = await this.readStored!(keys);
      for (const key of keys) this.missing.set(keyOf(key), `${keyOf(key)} is not stored`);
      const compiled: SagaDefinition[] = [];
      for (const row of rows) {
        const result = compileDefinition(row.document);
        // A stored version this engine cannot read stays missing: its sagas are set aside, not run on a guess.
        if (result.ok) compiled.push(result.definition);
        else
          this.missing.set(
            keyOf(row),
            `${keyOf(row)} is stored but cannot be read: ${result.problems.map(problemText).join('; ')}`,
          );
      }
      this.hold(compiled);
    } finally {
      for (const key of keys) this.reading.delete(keyOf(key));
    }
  }

  /** The version new sagas of this name start on. */
  currentVersion(name: string): RegisteredDefinition | undefined {
    const version = this.current.get(name);
    return version === undefined ? undefined : this.versions.get(name)?.get(version);
  }

  participants(): string[] {
    const names = new Set<string>();
    for (const byVersion of this.versions.values()) {
      for (const { definition } of byVersion.values()) {
        definition.steps.forEach((step) => names.add(step.participant));
      }
    }
    return [...names].sort();
  }

  summaries(): DefinitionSummary[] {
    return [...this.versions.keys()].sort().map((name) => this.summary(name)!);
  }

  summary(name: string): DefinitionSummary | undefined {
    const byVersion = this.versions.get(name);
    if (byVersion === undefined) return undefined;
    const versions = [...byVersion.keys()].sort((a, b) => a - b);
    const currentVersion = this.current.get(name) ?? null;
    const shown = byVersion.get(currentVersion ?? versions[versions.length - 1]!)!.definition;
    return { name, description: shown.description, currentVersion, versions };
  }

  allVersions(name: string): SagaDefinition[] {
    const byVersion = this.versions.get(name);
    if (byVersion === undefined) return [];
    return [...byVersion.values()].map((v) => v.definition).sort((a, b) => a.version - b.version);
  }
}

function keyOf(key: DefinitionKey): string {
  return `${key.name}@${key.version}`;
}
