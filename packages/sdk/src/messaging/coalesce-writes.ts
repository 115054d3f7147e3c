import type { ChannelModel } from 'amqplib';
import type { Writable } from 'node:stream';

/** The parts of amqplib's connection this relies on; each is checked before use. */
interface AmqplibInternals {
  stream?: Writable;
  /** Moves queued channel frames to the socket; amqplib runs it in a `setImmediate` of its own. */
  muxer?: { _readIncoming?: () => void };
}

interface Cork {
  /** Frames were queued after this cork was placed: they get a cork of their own once it is released. */
  requestedAgain: boolean;
}

const corks = new WeakMap<Writable, Cork>();

/**
 * Sends the frames queued on the connection in the current turn of the event loop, in one socket write, as soon
 * as the turn's code has run. Publishes and acknowledgements made together (a batch of replies) then cost one
 * system call instead of one each.
 *
 * amqplib queues each channel's frames and moves them to the socket frame by frame in a `setImmediate`: after
 * every other I/O callback ready in this turn (HTTP requests, query results), which can hold a command for
 * milliseconds. This moves them two ticks later instead, once every channel written to has announced its frames.
 * If amqplib's internals ever change, the frames still leave, corked until amqplib's own `setImmediate` has run.
 */
export function coalesceWrites(model: ChannelModel | null): void {
  const internals = model?.connection as AmqplibInternals | undefined;
  const stream = internals?.stream;
  if (stream === undefined || typeof stream.cork !== 'function') return;
  const existing = corks.get(stream);
  if (existing !== undefined) {
    existing.requestedAgain = true;
    return;
  }
  const cork: Cork = { requestedAgain: false };
  corks.set(stream, cork);
  stream.cork();
  const muxer = internals?.muxer;
  if (typeof muxer?._readIncoming === 'function') {
    process.nextTick(() =>
      process.nextTick(() => {
        try {
          muxer._readIncoming?.();
        } finally {
          corks.delete(stream);
          stream.uncork();
        }
      }),
    );
    return;
  }
  releaseAfterAmqplib(stream, cork);
}

/**
 * amqplib's `setImmediate` was scheduled after this cork, so the socket is uncorked one immediate later. Frames
 * queued meanwhile were moved by an immediate that runs after this one: the socket is corked again for them.
 */
function releaseAfterAmqplib(stream: Writable, cork: Cork): void {
  setImmediate(() =>
    setImmediate(() => {
      stream.uncork();
      if (!cork.requestedAgain || stream.destroyed) {
        corks.delete(stream);
        return;
      }
      cork.requestedAgain = false;
      stream.cork();
      releaseAfterAmqplib(stream, cork);
    }),
  );
}
