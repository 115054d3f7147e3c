/**
 * How `saga` exits. `watch` tells the saga's final status: a script can branch on it without reading the output.
 * SUSPENDED is not final, but nothing moves until an operator acts, so `watch` stops there too.
 */
export const ExitCode = {
  ok: 0,
  /** A usage error, an API error, or the engine could not be reached. */
  failed: 1,
  compensated: 2,
  compensationFailed: 3,
  suspended: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** `saga watch`'s exit code for a saga status, or null while the saga can still move by itself. */
export function watchExitCode(status: string): ExitCode | null {
  switch (status) {
    case 'COMPLETED':
      return ExitCode.ok;
    case 'COMPENSATED':
      return ExitCode.compensated;
    case 'COMPENSATION_FAILED':
      return ExitCode.compensationFailed;
    case 'SUSPENDED':
      return ExitCode.suspended;
    default:
      return null;
  }
}
