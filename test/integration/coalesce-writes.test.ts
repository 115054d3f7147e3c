import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { type ChannelModel, connect } from 'amqplib';
import { coalesceWrites } from 'saga-orchestrator-sdk/internal/messaging/coalesce-writes';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';

type WriteFunction = (
  chunk: Buffer,
  encoding: BufferEncoding,
  callback: (error?: Error | null) => void,
) => void;
type WritevFunction = (chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void) => void;

/** Records how many chunks each system-level write of the stream carried. */
function recordWrites(stream: Writable): number[] {
  const writes: number[] = [];
  const target = stream as unknown as { _write: WriteFunction; _writev?: WritevFunction };
  const write = target._write.bind(stream);
  target._write = (chunk, encoding, callback) => {
    writes.push(1);
    write(chunk, encoding, callback);
  };
  const writev = target._writev?.bind(stream);
  if (writev !== undefined) {
    target._writev = (chunks, callback) => {
      writes.push(chunks.length);
      writev(chunks, callback);
    };
  }
  return writes;
}

const ticks = (count: number) =>
  new Promise<void>((resolve) => {
    const next = (left: number): void => (left === 0 ? resolve() : process.nextTick(() => next(left - 1)));
    next(count);
  });

describe('coalesceWrites', () => {
  let vhost: TestVhost;
  let model: ChannelModel;

  beforeAll(async () => {
    vhost = await createVhost('coalesce');
    model = await connect(vhost.url);
  });

  afterAll(async () => {
    await model?.close();
    await vhost?.drop();
  });

  it("sends a turn's publishes and acknowledgement in one socket write, before the next I/O phase", async () => {
    const queue = `coalesce-${randomUUID()}`;
    const publisher = await model.createConfirmChannel();
    const consumer = await model.createChannel();
    await publisher.assertQueue(queue, { durable: false });
    publisher.sendToQueue(queue, Buffer.from('to acknowledge'));
    await publisher.waitForConfirms();
    const message = await consumer.get(queue);
    if (message === false) throw new Error('the message did not arrive');
    const writes = recordWrites((model.connection as unknown as { stream: Socket }).stream);
    let nextPhaseStarted = false;
    setImmediate(() => (nextPhaseStarted = true));

    for (const n of [1, 2, 3]) publisher.sendToQueue(queue, Buffer.from(`message ${n}`));
    consumer.ack(message);
    coalesceWrites(model);
    await ticks(3);

    expect(writes).toEqual([4]);
    expect(nextPhaseStarted).toBe(false);
    await publisher.waitForConfirms();
    expect((await publisher.checkQueue(queue)).messageCount).toBe(3);
  });

  it('still sends everything in one write, one turn later, on a connection without the internals it uses', async () => {
    const written: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk);
        callback();
      },
      writev(chunks, callback) {
        written.push(Buffer.concat(chunks.map(({ chunk }) => chunk as Buffer)));
        callback();
      },
    });
    const writes = recordWrites(stream);
    const connection = { connection: { stream } } as unknown as ChannelModel;

    coalesceWrites(connection);
    stream.write('a');
    setImmediate(() => stream.write('b'));
    await ticks(3);
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));

    expect(writes).toEqual([2]);
    expect(Buffer.concat(written).toString()).toBe('ab');
  });
});
