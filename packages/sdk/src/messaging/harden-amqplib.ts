import { dirname, join } from 'node:path';

/** Put in place of message headers amqplib cannot decode; a consumer dead-letters such a message. */
export const UNDECODABLE_HEADERS = 'x-saga-undecodable-headers';

interface RawFrame {
  type: number;
  channel: number;
  size: number;
  payload: Buffer;
  rest: Buffer;
}

interface DecodedHeaderFrame {
  fields: { headers?: Record<string, unknown> };
}

interface ConnectionInternals {
  rest: Buffer;
  maxFrameSize: number;
  recvSinceLastCheck: boolean;
  stream: { read(): Buffer | null };
  recvFrame(): unknown;
}

interface FrameModule {
  parseFrame(buffer: Buffer, maxFrameSize: number): RawFrame | false;
  decodeFrame(frame: RawFrame): unknown;
}

const FRAME_HEADER = 2;
/** Offset of the property flags in a content header frame: class id, weight and body size come first. */
const FLAGS_OFFSET = 12;
const CONTENT_TYPE_FLAG = 0x8000;
const CONTENT_ENCODING_FLAG = 0x4000;
const HEADERS_FLAG = 0x2000;

let hardened = false;

/**
 * amqplib decodes a message's header table recursively while reading frames: a table nested a few thousand levels
 * deep (which RabbitMQ accepts from any client) overflows the stack, the connection closes, and after reconnecting
 * the same message arrives first again — no message would ever be consumed. This replaces the frame reader of
 * amqplib's connection with one that, when a content header cannot be decoded, decodes it again without its
 * header table and puts `x-saga-undecodable-headers` there instead. Everything else is amqplib's own code. Safe to
 * call more than once; applies to every connection made afterwards and before.
 */
export function hardenAmqplib(): void {
  if (hardened) return;
  // The package's folder, found through a subpath: a test may stand in for the main entry (test/support/embedded).
  const lib = join(dirname(require.resolve('amqplib/callback_api')), 'lib');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- amqplib exports no path to these
  const { Connection } = require(join(lib, 'connection.js')) as {
    Connection: { prototype: ConnectionInternals };
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const frames = require(join(lib, 'frame.js')) as FrameModule;
  Connection.prototype.recvFrame = function recvFrame(this: ConnectionInternals): unknown {
    for (;;) {
      const frame = frames.parseFrame(this.rest, this.maxFrameSize);
      if (frame) {
        this.rest = frame.rest;
        return decodeFrame(frames, frame);
      }
      const incoming = this.stream.read();
      if (incoming === null) return false;
      this.recvSinceLastCheck = true;
      this.rest = Buffer.concat([this.rest, incoming]);
    }
  };
  hardened = true;
}

function decodeFrame(frames: FrameModule, frame: RawFrame): unknown {
  try {
    return frames.decodeFrame(frame);
  } catch (error) {
    const payload = frame.type === FRAME_HEADER ? withoutHeaderTable(frame.payload) : null;
    if (payload === null) throw error;
    const decoded = frames.decodeFrame({ ...frame, payload }) as DecodedHeaderFrame;
    decoded.fields.headers = {
      [UNDECODABLE_HEADERS]: `amqplib could not decode the message headers: ${(error as Error).message}`,
    };
    return decoded;
  }
}

/** The content header payload with its header table cut out and its flag cleared; null when it has none. */
function withoutHeaderTable(payload: Buffer): Buffer | null {
  if (payload.length < FLAGS_OFFSET + 2) return null;
  const flags = payload.readUInt16BE(FLAGS_OFFSET);
  if ((flags & HEADERS_FLAG) === 0) return null;
  let offset = FLAGS_OFFSET + 2;
  if ((flags & CONTENT_TYPE_FLAG) !== 0) offset += 1 + payload.readUInt8(offset);
  if ((flags & CONTENT_ENCODING_FLAG) !== 0) offset += 1 + payload.readUInt8(offset);
  const tableEnd = offset + 4 + payload.readUInt32BE(offset);
  const stripped = Buffer.concat([payload.subarray(0, offset), payload.subarray(tableEnd)]);
  stripped.writeUInt16BE(flags & ~HEADERS_FLAG, FLAGS_OFFSET);
  return stripped;
}
