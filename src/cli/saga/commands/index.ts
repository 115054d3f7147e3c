import type { SagaCommand } from '../command';
import { abortCommand } from './abort';
import { completeCompensationCommand } from './complete-compensation';
import { completeStepCommand } from './complete-step';
import { deadLettersCommand } from './dead-letters';
import { definitionsCommand } from './definitions';
import { describeCommand } from './describe';
import { graphCommand } from './graph';
import { listCommand } from './list';
import { migrateCommand } from './migrate';
import { reloadCommand } from './reload';
import { rerunCommand } from './rerun';
import { retryCommand } from './retry';
import { simulateCommand } from './simulate';
import { startCommand } from './start';
import { validateCommand } from './validate';
import { watchCommand } from './watch';

/** Every `saga` command, in the order `saga --help` lists them. */
export const COMMANDS: readonly SagaCommand[] = [
  startCommand,
  listCommand,
  describeCommand,
  watchCommand,
  retryCommand,
  abortCommand,
  completeStepCommand,
  completeCompensationCommand,
  rerunCommand,
  migrateCommand,
  definitionsCommand,
  graphCommand,
  reloadCommand,
  deadLettersCommand,
  validateCommand,
  simulateCommand,
];
