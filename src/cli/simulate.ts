import { simulateCommand } from './simulate-command';

process.exitCode = simulateCommand(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
