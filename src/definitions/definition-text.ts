import { readFileSync, statSync } from 'node:fs';
import { errorMessage } from './parsed-file';
import { decodeUtf8 } from './utf8-text';

export type DefinitionText = { ok: true; bytes: Buffer; text: string } | { ok: false; message: string };

function tooLarge(size: number, maxBytes: number): DefinitionText {
  return { ok: false, message: `file is ${size} bytes, more than the limit of ${maxBytes}` };
}

/** Reads a definition file as UTF-8 text; its size is checked before anything is read. */
export function readDefinitionText(path: string, maxBytes: number): DefinitionText {
  let bytes: Buffer;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) return { ok: false, message: 'cannot read file: not a regular file' };
    if (stats.size > maxBytes) return tooLarge(stats.size, maxBytes);
    bytes = readFileSync(path);
  } catch (error) {
    return { ok: false, message: `cannot read file: ${errorMessage(error)}` };
  }
  // The file may have grown since it was measured.
  if (bytes.length > maxBytes) return tooLarge(bytes.length, maxBytes);
  const decoded = decodeUtf8(bytes);
  return decoded.ok ? { ok: true, bytes, text: decoded.text } : decoded;
}
