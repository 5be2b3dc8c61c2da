import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly at: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Requests being handled right now, and the most there ever were at once. */
  readonly concurrency: { now: number; max: number };
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/**
 * A webhook receiver on loopback (tests allowlist 127.0.0.1): records every
 * request, and answers with the status `answer` returns for it.
 */
export async function startReceiver(
  answer: (n: number, hit: ReceivedWebhook) => number | Promise<number> = () => 204,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const concurrency = { now: 0, max: 0 };
  const server = http.createServer((req, res) => {
    concurrency.now++;
    concurrency.max = Math.max(concurrency.max, concurrency.now);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const hit = { headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(hit);
      void Promise.resolve(answer(received.length, hit)).then((status) => {
        concurrency.now--;
        res.statusCode = status;
        res.end();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    concurrency,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`receiver got ${received.length} of ${count} webhooks`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
