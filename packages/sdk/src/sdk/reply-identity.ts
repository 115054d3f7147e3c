/** AMQP short strings (such as the `userId` property) hold at most 255 bytes. */
const maxShortStringBytes = 255;

/**
 * The broker user a connection to `url` authenticates as, for the AMQP `userId` property, which RabbitMQ checks
 * against that user. Read the way amqplib reads it — `guest` when the URL names no user or password, otherwise
 * the user name with its percent-escapes decoded by `unescape` — so that the two never differ. A problem as text
 * when the URL cannot be read or the name does not fit in the property.
 */
export function brokerUser(url: string): { ok: true; user: string } | { ok: false; problem: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, problem: 'url: is not a URL, so replyUserId cannot read its user name' };
  }
  if (parsed.username === '' && parsed.password === '') return { ok: true, user: 'guest' };
  const user = unescape(parsed.username);
  if (Buffer.byteLength(user) > maxShortStringBytes) {
    return {
      ok: false,
      problem: `url: the user name is longer than the ${maxShortStringBytes} bytes of userId`,
    };
  }
  return { ok: true, user };
}
