import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { DashboardIndexes1764100000000 } from './1764100000000-DashboardIndexes';
import { DeadLetters1764200000000 } from './1764200000000-DeadLetters';
import { HotPathStorage1764300000000 } from './1764300000000-HotPathStorage';
import { StateCompression1764400000000 } from './1764400000000-StateCompression';
import { SuspendedStatus1764500000000 } from './1764500000000-SuspendedStatus';
import { RetentionIndexes1764600000000 } from './1764600000000-RetentionIndexes';
import { SagaReruns1764700000000 } from './1764700000000-SagaReruns';
import { StatusIndexNames1764800000000 } from './1764800000000-StatusIndexNames';
import { StatsRollup1764900000000 } from './1764900000000-StatsRollup';

/** Every migration, oldest first. A new migration is added here and never edited once released. */
export const migrations = [
  InitialSchema1764000000000,
  DashboardIndexes1764100000000,
  DeadLetters1764200000000,
  HotPathStorage1764300000000,
  StateCompression1764400000000,
  SuspendedStatus1764500000000,
  RetentionIndexes1764600000000,
  SagaReruns1764700000000,
  StatusIndexNames1764800000000,
  StatsRollup1764900000000,
];
