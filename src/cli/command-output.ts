/** Where a command writes: a line at a time to stdout (`out`) and stderr (`err`). */
export interface CommandOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}
