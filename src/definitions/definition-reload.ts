import type { DataSource } from 'typeorm';
import { type ErrorDetail, SagaEngineError } from '../core/errors';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';
import { loadDefinitionFiles } from './definition-files';
import type { DefinitionRegistry, DefinitionSummary } from './definition-registry';
import {
  DefinitionConflictError,
  compileStored,
  currentVersionsOf,
  storeDefinitions,
} from './definition-sync';

/** A reload found problems: nothing changed. Each detail names the file and the path inside it. */
export class DefinitionReloadError extends SagaEngineError {
  readonly code = 'DEFINITIONS_INVALID';
  constructor(problems: string[]) {
    super(`the definitions were not reloaded: ${problems.length} problem(s)`, problems.map(problemDetail));
  }
}

/** `file: path: message` (or `file: message`) as `{ path: "file: path", message }`. */
function problemDetail(line: string): ErrorDetail {
  const [file, ...rest] = line.split(': ');
  const [path, ...message] = rest;
  if (path !== undefined && message.length > 0 && /^[A-Za-z_$][\w$.-]*$/.test(path)) {
    return { path: `${file}: ${path}`, message: message.join(': ') };
  }
  return { path: file ?? '', message: rest.join(': ') };
}

export interface ReloadSettings {
  sagasDir: string;
  /** Problems with participants no version named before (a broker user they need, say). */
  checkNewParticipants: (participants: string[]) => string[];
}

/**
 * Reads the definitions folder again, as at start-up, all or nothing: new versions are stored and become current
 * for new sagas; running sagas keep theirs. One reload at a time.
 */
export class DefinitionReloader {
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: DefinitionRegistry,
    private readonly settings: ReloadSettings,
    private readonly logger: Logger,
  ) {}

  reload(): Promise<DefinitionSummary[]> {
    const next = this.last.catch(() => undefined).then(() => this.reloadNow());
    this.last = next;
    return next;
  }

  private async reloadNow(): Promise<DefinitionSummary[]> {
    const files = loadDefinitionFiles(this.settings.sagasDir);
    const known = new Set(this.registry.participants());
    const participants = files.definitions.flatMap(({ definition }) =>
      definition.steps.map((s) => s.participant),
    );
    const problems = [
      ...files.problems,
      ...this.settings.checkNewParticipants([...new Set(participants)].filter((p) => !known.has(p))),
    ];
    if (problems.length > 0) throw new DefinitionReloadError(problems);
    try {
      const stored = compileStored(await storeDefinitions(this.dataSource, files.definitions));
      this.registry.replace(stored, currentVersionsOf(files.definitions));
    } catch (error) {
      if (error instanceof DefinitionConflictError) throw new DefinitionReloadError(error.problems);
      throw error;
    }
    const summaries = this.registry.summaries();
    this.logger.info('saga definitions reloaded', {
      current: summaries.flatMap((s) => (s.currentVersion === null ? [] : [`${s.name}@${s.currentVersion}`])),
    });
    return summaries;
  }
}
