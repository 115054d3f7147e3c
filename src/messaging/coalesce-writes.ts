import type { ChannelModel } from 'amqplib';
import type { Writable } from 'node:stream';

const corked = new WeakSet<Writable>();

/**
 * Holds the connection's outgoing frames until the current event-loop turn ends, then sends them in one socket
 * write. Publishes and acknowledgements made together (a batch of replies) then cost one system call instead of
 * one each; the delay is a fraction of a millisecond. amqplib keeps its socket on `connection.stream`; if that
 * ever changes, this does nothing.
 */
export function coalesceWrites(model: ChannelModel | null): void {
  const stream = (model?.connection as { stream?: Writable } | undefined)?.stream;
  if (stream === undefined || typeof stream.cork !== 'function' || corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  setImmediate(() => {
    corked.delete(stream);
    stream.uncork();
  });
}
