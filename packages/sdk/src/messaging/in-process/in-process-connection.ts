import { EventEmitter } from 'node:events';
import type { Channel, ChannelModel, ConfirmChannel, Connection } from 'amqplib';
import { ChannelClosedError } from './broker-error';
import type { InProcessBroker } from './in-process-broker';
import { InProcessChannel } from './in-process-channel';

/** What `connection.serverProperties` reports (amqplib's shape). */
const serverConnection: Connection = {
  serverProperties: {
    host: 'in-process',
    product: 'saga-orchestrator in-process broker',
    version: '1',
    platform: `Node.js ${process.version}`,
    information: 'embedded mode: one process, messages in memory',
  },
};

/** A connection to the in-process broker, as amqplib's `ChannelModel`. */
export class InProcessConnection extends EventEmitter implements ChannelModel {
  readonly connection = serverConnection;
  private readonly channels = new Set<InProcessChannel>();
  private closed = false;

  constructor(
    private readonly broker: InProcessBroker,
    private readonly onClosed: () => void,
  ) {
    super();
  }

  createChannel(): Promise<Channel> {
    return Promise.resolve(this.open());
  }

  createConfirmChannel(): Promise<ConfirmChannel> {
    return Promise.resolve(this.open());
  }

  /** Closes every channel (their unsettled messages go back to their queues), then reports `close`. */
  async close(): Promise<void> {
    if (this.closed) throw new ChannelClosedError('Connection closed');
    this.closed = true;
    for (const channel of [...this.channels]) channel.closeWith(null);
    this.onClosed();
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.emit('close');
  }

  updateSecret(): Promise<void> {
    return Promise.resolve();
  }

  private open(): InProcessChannel {
    if (this.closed) throw new ChannelClosedError('Connection closed');
    const channel = new InProcessChannel(this.broker, () => this.channels.delete(channel));
    this.channels.add(channel);
    return channel;
  }
}
