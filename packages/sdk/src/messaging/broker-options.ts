import { type BrokerTransport, amqplibTransport } from './broker-transport';
import { parseBrokerUrls } from './broker-urls';
import { DEFAULT_DELIVERY_LIMIT, QueueType, type QueueSettings } from './queue-settings';

/** The broker options a participant and a subscriber share, as their users write them. */
export interface BrokerOptions {
  url?: string;
  transport?: BrokerTransport;
  queueType?: QueueType;
  deliveryLimit?: number;
}

export interface CompiledBrokerOptions {
  urls: string[];
  transport: BrokerTransport;
  queues: QueueSettings;
}

/** Checks the broker options; each problem is added to `problems`, named by its option. */
export function compileBrokerOptions(options: BrokerOptions, problems: string[]): CompiledBrokerOptions {
  const { url, transport, queueType = QueueType.classic, deliveryLimit } = options;
  let urls: string[] = [];
  if (transport !== undefined) {
    if (url !== undefined) problems.push('url: give either url or transport, not both');
    else if (typeof transport?.connect !== 'function') {
      problems.push("transport: must be a broker transport (an in-process broker's `transport`)");
    }
    // The transport opens the connection; the URL only names it in logs.
    urls = [IN_PROCESS_URL];
  } else if (typeof url !== 'string' || url.length === 0) problems.push('url: is required (or transport)');
  else {
    const parsed = parseBrokerUrls(url);
    if (parsed.ok) urls = parsed.urls;
    else problems.push(`url: ${parsed.problem}`);
  }
  if (queueType !== QueueType.classic && queueType !== QueueType.quorum) {
    problems.push(`queueType: must be "classic" or "quorum" (got ${JSON.stringify(queueType)})`);
  }
  if (deliveryLimit !== undefined) {
    if (!Number.isSafeInteger(deliveryLimit) || deliveryLimit < 1) {
      problems.push(`deliveryLimit: must be a positive integer (got ${String(deliveryLimit)})`);
    } else if (queueType !== QueueType.quorum) {
      problems.push('deliveryLimit: has no effect without queueType "quorum"');
    }
  }
  const queues: QueueSettings =
    queueType === QueueType.quorum
      ? { type: QueueType.quorum, deliveryLimit: deliveryLimit ?? DEFAULT_DELIVERY_LIMIT }
      : { type: QueueType.classic };
  return { urls, transport: transport ?? amqplibTransport, queues };
}

/** What a connection through a transport is called in logs. */
export const IN_PROCESS_URL = 'amqp://in-process';
