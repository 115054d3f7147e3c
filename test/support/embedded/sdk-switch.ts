/**
 * `saga-orchestrator-sdk` as the `integration-embedded` project loads it: the SDK itself, except that a participant
 * or subscriber given the `amqpUrl` of an embedded test engine connects through that engine's in-process broker
 * (`{ transport }`), as a participant in the engine's process does. The suites run unchanged.
 */
import {
  type Participant,
  type ParticipantOptions,
  type SubscriberOptions,
  type Subscription,
  createParticipant as createSdkParticipant,
  subscribe as sdkSubscribe,
} from '../../../packages/sdk/src/sdk/index';
import { inProcessBrokerAt } from './in-process-brokers';

export * from '../../../packages/sdk/src/sdk/index';

function throughTransport<T extends { url?: string; transport?: unknown }>(options: T): T {
  const broker = inProcessBrokerAt(options.url);
  if (broker === undefined) return options;
  const { url: _url, ...rest } = options;
  return { ...rest, transport: broker.transport } as T;
}

export function createParticipant(options: ParticipantOptions): Participant {
  return createSdkParticipant(throughTransport(options));
}

export function subscribe(options: SubscriberOptions): Promise<Subscription> {
  return sdkSubscribe(throughTransport(options));
}
