/**
 * `amqplib` as the `integration-embedded` project loads it: amqplib itself, except that `connect` to the
 * `amqpUrl` of an embedded test engine opens a connection to that engine's in-process broker, so the suites'
 * own publishers and readers (sdk-broker.ts, scripted participants…) reach it unchanged.
 */
import type * as Amqplib from 'amqplib';
import { inProcessBrokerAt } from './in-process-brokers';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- by path: the bare name maps to this file
const amqplib = require('../../../node_modules/amqplib/channel_api.js') as typeof Amqplib;

export const { credentials, IllegalOperationError } = amqplib;

export function connect(
  url: string | Amqplib.Options.Connect,
  options?: Amqplib.SocketOptions,
): Promise<Amqplib.ChannelModel> {
  const broker = typeof url === 'string' ? inProcessBrokerAt(url) : undefined;
  return broker === undefined ? amqplib.connect(url, options) : broker.transport.connect(url as string);
}
