import { CommandGroup, type SagaCommand } from './command';
import { DEFAULT_SAGA_URL } from './context';

/** `saga --help`: the commands by group, the environment, the exit codes. */
export function overallUsage(commands: readonly SagaCommand[]): string[] {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = ['usage: saga <command> [arguments] [--json]'];
  for (const group of Object.values(CommandGroup)) {
    const members = commands.filter((command) => command.group === group);
    if (members.length === 0) continue;
    lines.push('', `${group}:`);
    for (const command of members) lines.push(`  ${command.name.padEnd(width)}  ${command.summary}`);
  }
  lines.push(
    '',
    'Environment:',
    `  SAGA_URL      the engine's REST API (default ${DEFAULT_SAGA_URL})`,
    '  SAGA_API_KEY  sent as Authorization: Bearer <key>; needed when the engine sets API_KEYS',
    '',
    'Tables are for people; --json prints the API answer for scripts. Errors go to stderr with the',
    "API's code, message and details.",
    'Exit codes: 0 ok; 1 usage error, API error or engine unreachable;',
    '  saga watch: 0 COMPLETED, 2 COMPENSATED, 3 COMPENSATION_FAILED, 4 SUSPENDED.',
    "Run 'saga <command> --help' for a command's arguments.",
  );
  return lines;
}
