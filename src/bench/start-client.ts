import { Agent, request } from 'node:http';

/**
 * Starts sagas over HTTP on kept-alive connections, one per saga in flight. Plain `http.request` rather than
 * `fetch`: the bench shares the machine with the engine, and `fetch` costs several times the CPU per request.
 */
export class StartClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    concurrency: number,
  ) {
    // A connection left idle for 4 s is closed here, before the server closes it (Node's default keep-alive
    // timeout is 5 s): a request sent on a connection the server is closing fails with ECONNRESET, which happened
    // in a soak when a burst of starts reused connections idle since the previous burst.
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency, timeout: 4_000 });
  }

  /** POST /api/sagas; resolves with the new saga's id, rejects on any status but 201. */
  start(body: object): Promise<string> {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const call = request(
        `${this.baseUrl}/api/sagas`,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (response.statusCode !== 201) {
              reject(new Error(`start failed: ${response.statusCode} ${text}`));
              return;
            }
            resolve((JSON.parse(text) as { id: string }).id);
          });
          response.on('error', reject);
        },
      );
      call.on('error', reject);
      call.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
