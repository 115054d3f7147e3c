import { type ChannelModel, connect } from 'amqplib';

/** A host that neither answers nor refuses (a node that is down, not just its broker) is given up after this. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * How a broker connection is opened: the one call between the engine or the SDK and the broker they use. What it
 * returns is used as amqplib's connection (channels, confirms, consumers), so every message after the connect
 * goes straight to it.
 */
export interface BrokerTransport {
  /** `url`: one broker host (the caller tries the hosts of a cluster in order). */
  connect(url: string): Promise<ChannelModel>;
}

/** RabbitMQ over AMQP 0-9-1, with amqplib. */
export const amqplibTransport: BrokerTransport = {
  // Without noDelay, Nagle's algorithm holds small frames (acks, replies) back ~40 ms waiting for the peer's ACK.
  connect: (url) => connect(url, { noDelay: true, timeout: CONNECT_TIMEOUT_MS }),
};
