// After every fault test: the seed of one that failed, to replay it (see fault-seed.ts).
import { printSeedOfFailedTest } from './fault-seed';

afterEach(printSeedOfFailedTest);
