import http from 'node:http';
import { createPasswordHasher } from '../../server/src/auth/password-hasher';
import { createRefusalQueue } from '../../server/src/http/refusal-queue';

/**
 * Floor for the sign-in flood (bench scenario 6, fault 6): the least a Node
 * server can do for the same flood on this machine. node:http with
 * Gatehouse's password hasher (`concurrency` argon2id verifies at once, then
 * its queue) and its refusal queue (429s answered from setImmediate slices);
 * every other request gets a static 200. No pipeline, database or logging:
 * what a latency probe sees here during a flood is the price of the machine,
 * not of Gatehouse. Listens on HOST:PORT and prints "listening".
 */
const concurrency = Number(process.argv[2] ?? 1);
const hasher = await createPasswordHasher({ concurrency });
const refusals = createRefusalQueue((err) =>
  process.stderr.write(`refusal failed: ${String(err)}\n`),
);
let admitted = 0;

const VERSION = JSON.stringify({ result: { data: { name: 'floor', version: '0.0.0' } } });
const REFUSED = JSON.stringify({ error: { data: { reason: 'RATE_LIMITED' } } });
const INVALID = JSON.stringify({ error: { data: { reason: 'INVALID_CREDENTIALS' } } });

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    send(res, 200, VERSION);
    return;
  }
  if (admitted >= hasher.capacity) {
    req.resume();
    refusals.push(
      () => res.destroyed,
      () => send(res, 429, REFUSED),
    );
    return;
  }
  admitted++;
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { password } = JSON.parse(Buffer.concat(chunks).toString()) as { password: string };
    void hasher.verify(undefined, password).then(
      () => {
        admitted--;
        send(res, 401, INVALID);
      },
      () => {
        admitted--;
        send(res, 429, REFUSED);
      },
    );
  });
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () =>
  process.stdout.write('listening\n'),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
