/** A definition file's content as plain data, or why it could not be read: lines without the file name. */
export type ParsedFile = { ok: true; value: unknown } | { ok: false; messages: string[] };

export function refused(message: string): ParsedFile {
  return { ok: false, messages: [message] };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
