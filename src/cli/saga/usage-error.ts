/** The command line is wrong: `saga` says why and points at the command's usage; exit code 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
