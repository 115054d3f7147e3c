/**
 * The broker to connect to, as one URL or several comma-separated ones (`amqp://u:p@h1:5672,amqp://u:p@h2:5672/v`):
 * the nodes of a cluster, tried in order on every connect and reconnect. Each entry must be a full `amqp:` or
 * `amqps:` URL; a problem names the entry by its position, never by its text (it may hold a password).
 */
export function parseBrokerUrls(text: string): { ok: true; urls: string[] } | { ok: false; problem: string } {
  const urls = text.split(',').map((entry) => entry.trim());
  for (const [index, url] of urls.entries()) {
    const problem = urlProblem(url);
    if (problem !== null) {
      const which = urls.length === 1 ? '' : `entry ${index + 1} of ${urls.length}: `;
      return { ok: false, problem: `${which}${problem}` };
    }
  }
  return { ok: true, urls };
}

/** Where a URL points, for logs: `host:port/vhost`, without the user name or password. */
export function brokerHost(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port === '' ? (parsed.protocol === 'amqps:' ? '5671' : '5672') : parsed.port;
  const vhost = parsed.pathname.length > 1 ? parsed.pathname : '';
  return `${parsed.hostname}:${port}${vhost}`;
}

function urlProblem(url: string): string | null {
  if (url === '') return 'is empty (a comma with no URL after it?)';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL (expected amqp://user:password@host:5672/vhost)';
  }
  if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') {
    return `must start with amqp:// or amqps:// (its scheme is "${parsed.protocol.slice(0, -1)}")`;
  }
  if (parsed.hostname === '') return 'names no host';
  return null;
}
