export type DecodedText = { ok: true; text: string } | { ok: false; message: string };

const REPLACEMENT_CHARACTER = '\uFFFD';

/** Decodes UTF-8 strictly (a leading byte order mark is dropped); text that is not UTF-8 is refused, not mangled. */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return {
      ok: false,
      message: `file is not valid UTF-8: the first invalid byte is at ${firstInvalidPosition(bytes)}`,
    };
  }
}

/**
 * Where the first invalid byte is, as `line 3, column 7`. Lenient decoding writes U+FFFD for each invalid
 * sequence; one that the file itself holds is told apart by its bytes.
 */
function firstInvalidPosition(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let byteOffset = 0;
  let counted = 0;
  let index = text.indexOf(REPLACEMENT_CHARACTER);
  for (; index >= 0; index = text.indexOf(REPLACEMENT_CHARACTER, index + 1)) {
    byteOffset += Buffer.byteLength(text.slice(counted, index));
    counted = index;
    if (!holdsReplacementCharacter(bytes, byteOffset)) break;
  }
  const before = text.slice(0, Math.max(index, 0));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** U+FFFD as UTF-8: EF BF BD. */
function holdsReplacementCharacter(bytes: Uint8Array, offset: number): boolean {
  return bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd;
}
