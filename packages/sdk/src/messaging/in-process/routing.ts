/** How an exchange of the in-process broker picks the queues a message goes to (RabbitMQ's exchange types). */
export const ExchangeType = { direct: 'direct', fanout: 'fanout', topic: 'topic' } as const;
export type ExchangeType = (typeof ExchangeType)[keyof typeof ExchangeType];

export function isExchangeType(type: string): type is ExchangeType {
  return type === ExchangeType.direct || type === ExchangeType.fanout || type === ExchangeType.topic;
}

/** Whether a binding's pattern takes a message with this routing key, as the exchange type reads patterns. */
export function bindingMatches(type: ExchangeType, pattern: string, routingKey: string): boolean {
  if (type === ExchangeType.fanout) return true;
  if (type === ExchangeType.direct) return pattern === routingKey;
  return topicMatches(pattern.split('.'), routingKey.split('.'));
}

/**
 * A topic pattern against a routing key, word by word (words are separated by dots): `*` takes exactly one word,
 * `#` zero or more.
 */
export function topicMatches(pattern: readonly string[], words: readonly string[]): boolean {
  const [head, ...rest] = pattern;
  if (head === undefined) return words.length === 0;
  if (head === '#') {
    for (let skipped = 0; skipped <= words.length; skipped++) {
      if (topicMatches(rest, words.slice(skipped))) return true;
    }
    return false;
  }
  const [word, ...remaining] = words;
  if (word === undefined) return false;
  return (head === '*' || head === word) && topicMatches(rest, remaining);
}
