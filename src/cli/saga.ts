#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { runSaga } from './saga/run';

/** `saga`: the engine's REST API from a terminal or a script (README, "The saga command"). */
void runSaga(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  readFile: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
  sleep: (ms) => sleep(ms).then(() => undefined),
  fetch,
}).then((exitCode) => {
  process.exitCode = exitCode;
});
