import { SagaEngineError } from '../core/errors';

/** The engine refuses to start: every problem is listed, one per line, and nothing partial runs. */
export abstract class StartupError extends SagaEngineError {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}
