import type { InProcessBroker } from 'saga-orchestrator-sdk';

/**
 * The in-process brokers of the embedded test engines of this test file, by the URL each engine hands out as its
 * `amqpUrl`: the SDK switch (sdk-switch.ts) turns a participant's `url` into that broker's `transport`.
 */
const brokers = new Map<string, InProcessBroker>();

/** True in the `integration-embedded` jest project: test engines run embedded (PGlite, in-process broker). */
export function embeddedTestMode(): boolean {
  return process.env.SAGAS_TEST_MODE === 'embedded';
}

export function registerInProcessBroker(url: string, broker: InProcessBroker): () => void {
  brokers.set(url, broker);
  return () => brokers.delete(url);
}

export function inProcessBrokerAt(url: string | undefined): InProcessBroker | undefined {
  return url === undefined ? undefined : brokers.get(url);
}
