import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface FakeServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export type FakeHandler = (req: SeenRequest, res: ServerResponse, index: number) => void;

/** A tiny node:http server that records what it receives and answers as `handler` says. */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      handler(seen, res, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers a tRPC batch with one successful result per call. */
export function answerBatch(res: ServerResponse, req: SeenRequest, data: unknown): void {
  const calls = decodeURIComponent(
    new URL(req.url, 'http://x').pathname.replace(/^\/trpc\//, ''),
  ).split(',');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(calls.map(() => ({ result: { data } }))));
}

/** Answers with a tRPC error envelope for every call in the batch. */
export function answerError(
  res: ServerResponse,
  status: number,
  reason: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(
    JSON.stringify([
      {
        error: {
          code: -32000,
          message: reason,
          data: { code: 'X', httpStatus: status, reason, requestId: 'fake-req' },
        },
      },
    ]),
  );
}
