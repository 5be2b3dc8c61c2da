import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedAddressKind } from '../../src/webhooks/address-policy';
import type { HostResolver } from '../../src/webhooks/host-resolver';
import { createWebhookClient, type AttemptOutcome } from '../../src/webhooks/webhook-client';

const LIMITS = {
  connectTimeoutMs: 2_000,
  headersTimeoutMs: 500,
  totalTimeoutMs: 5_000,
  maxResponseBytes: 4096,
};

interface Receiver {
  readonly port: number;
  readonly requests: { url: string; host: string | undefined; body: string }[];
  close(): Promise<void>;
}

/** A loopback HTTP server that records what reaches it and answers with `handler`. */
async function receiver(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) =>
    res.end('ok'),
): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        url: req.url ?? '',
        host: req.headers.host,
        body: Buffer.concat(chunks).toString(),
      });
      handler(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A resolver stub that answers from a table and counts its lookups; never the network. */
function stubResolver(table: Record<string, string[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const found = table[hostname];
    if (!found) throw new Error(`ENOTFOUND ${hostname}`);
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
  };
  return Object.assign(resolve, { calls });
}

const BODY = Buffer.from('{"type":"webhook.test"}');

function refusal(outcome: AttemptOutcome): string | undefined {
  return outcome.ok ? undefined : outcome.failure === 'refused' ? outcome.refusal : outcome.failure;
}

describe('webhook delivery client: SSRF rules', () => {
  let target: Receiver;
  beforeAll(async () => {
    target = await receiver();
  });
  afterAll(async () => target.close());

  const strict = (resolve: HostResolver = stubResolver({})) =>
    createWebhookClient({
      rules: { requireHttps: false, allowHosts: [] },
      limits: LIMITS,
      resolve,
    });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['10.0.0.1', 'private'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['[fd00:ec2::254]', 'metadata'],
    ['100.64.0.1', 'cgnat'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['[fe80::1]', 'link_local'],
    ['[fc00::1]', 'unique_local'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['[::]', 'unspecified'],
    ['[::ffff:10.0.0.1]', 'private'],
    ['[64:ff9b::7f00:1]', 'loopback'],
  ])('refuses %s without the allowlist (%s), connecting nowhere', async (host, reason) => {
    const before = target.requests.length;
    const outcome = await strict().send(`http://${host}:${target.port}/hook`, {}, BODY);
    expect(outcome).toMatchObject({ ok: false, failure: 'refused', refusal: reason });
    expect(target.requests.length).toBe(before);
  });

  it('refuses a host name resolving to loopback (stub resolver), without connecting', async () => {
    const resolve = stubResolver({ 'evil.test': ['127.0.0.1'] });
    const outcome = await strict(resolve).send(`http://evil.test:${target.port}/`, {}, BODY);
    expect(outcome).toMatchObject({
      failure: 'refused',
      refusal: 'loopback',
      address: '127.0.0.1',
    });
    expect(target.requests).toHaveLength(0);
  });

  it('refuses a name with a public and a private address (every address is checked)', async () => {
    const resolve = stubResolver({ 'mixed.test': ['93.184.215.14', '10.1.2.3'] });
    const outcome = await strict(resolve).send('http://mixed.test/', {}, BODY);
    expect(refusal(outcome)).toBe('private');
  });

  it('refuses an unresolvable name, and non-http schemes and credentials in the URL', async () => {
    expect(refusal(await strict().send('http://nowhere.test/', {}, BODY))).toBe('dns_failed');
    expect(refusal(await strict().send('file:///etc/passwd', {}, BODY))).toBe('scheme_not_allowed');
    expect(refusal(await strict().send('gopher://x.test/', {}, BODY))).toBe('scheme_not_allowed');
    const resolve = stubResolver({ 'x.test': ['93.184.215.14'] });
    expect(refusal(await strict(resolve).send('http://u:p@x.test/', {}, BODY))).toBe(
      'credentials_in_url',
    );
  });

  it('requires https when the rules say so (production)', async () => {
    const client = createWebhookClient({
      rules: { requireHttps: true, allowHosts: ['127.0.0.1'] },
      limits: LIMITS,
      resolve: stubResolver({}),
    });
    expect(refusal(await client.send(`http://127.0.0.1:${target.port}/`, {}, BODY))).toBe(
      'https_required',
    );
    expect(target.requests).toHaveLength(0);
  });

  it('an allowlisted host reaches loopback; metadata is refused even if allowlisted', async () => {
    const client = createWebhookClient({
      rules: { requireHttps: false, allowHosts: ['127.0.0.1', '169.254.169.254'] },
      limits: LIMITS,
      resolve: stubResolver({}),
    });
    const outcome = await client.send(`http://127.0.0.1:${target.port}/in`, {}, BODY);
    expect(outcome).toMatchObject({ ok: true, status: 200, body: 'ok' });
    expect(target.requests.at(-1)).toMatchObject({ url: '/in', body: BODY.toString() });
    expect(refusal(await client.send('http://169.254.169.254/latest/meta-data/', {}, BODY))).toBe(
      'metadata',
    );
  });

  it('resolves once, connects to the checked IP, Host still the name (no rebinding)', async () => {
    const resolve = stubResolver({ 'hooks.test': ['127.0.0.1'] });
    const client = createWebhookClient({
      rules: { requireHttps: false, allowHosts: ['hooks.test'] },
      limits: LIMITS,
      resolve,
    });
    const outcome = await client.send(`http://hooks.test:${target.port}/r`, {}, BODY);
    expect(outcome.ok).toBe(true);
    expect(resolve.calls).toEqual(['hooks.test']);
    expect(target.requests.at(-1)?.host).toBe(`hooks.test:${target.port}`);
  });

  it('does not follow a redirect to loopback: a 3xx is a failed delivery', async () => {
    const inner = await receiver();
    const redirector = await receiver((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${inner.port}/stolen` });
      res.end();
    });
    try {
      const client = createWebhookClient({
        rules: { requireHttps: false, allowHosts: ['redirector.test'] },
        limits: LIMITS,
        resolve: stubResolver({ 'redirector.test': ['127.0.0.1'] }),
      });
      const outcome = await client.send(`http://redirector.test:${redirector.port}/`, {}, BODY);
      expect(outcome).toMatchObject({ ok: false, failure: 'redirect', status: 302 });
      expect(redirector.requests).toHaveLength(1);
      expect(inner.requests).toHaveLength(0);
    } finally {
      await inner.close();
      await redirector.close();
    }
  });

  it('reads at most maxResponseBytes of a 10 MB answer and hangs up', async () => {
    let written = 0;
    let aborted = false;
    let closed: () => void = () => undefined;
    const hungUp = new Promise<void>((resolve) => (closed = resolve));
    const big = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (written < 10 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.once('close', () => {
        aborted = !res.writableFinished;
        closed();
      });
      pump();
    });
    try {
      const client = createWebhookClient({
        rules: { requireHttps: false, allowHosts: ['127.0.0.1'] },
        limits: LIMITS,
        resolve: stubResolver({}),
      });
      const outcome = await client.send(`http://127.0.0.1:${big.port}/`, {}, BODY);
      expect(outcome.ok).toBe(true);
      if (outcome.ok) expect(outcome.body.length).toBe(LIMITS.maxResponseBytes);
      // The receiver's side closes once the client's hang-up reaches it (no fixed wait).
      await hungUp;
      // The client hung up long before 10 MB crossed the socket.
      expect(aborted).toBe(true);
      expect(written).toBeLessThan(10 * 1024 * 1024);
    } finally {
      await big.close();
    }
  });

  it('gives up on a receiver that never answers (headers timeout)', async () => {
    const silent = await receiver(() => undefined);
    try {
      const client = createWebhookClient({
        rules: { requireHttps: false, allowHosts: ['127.0.0.1'] },
        limits: { ...LIMITS, headersTimeoutMs: 200 },
        resolve: stubResolver({}),
      });
      const started = Date.now();
      const outcome = await client.send(`http://127.0.0.1:${silent.port}/`, {}, BODY);
      expect(outcome).toMatchObject({ ok: false, failure: 'headers_timeout' });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await silent.close();
    }
  });

  it('a 500 is a failed attempt with its status', async () => {
    const failing = await receiver((_req, res) => {
      res.statusCode = 500;
      res.end('nope');
    });
    try {
      const client = createWebhookClient({
        rules: { requireHttps: false, allowHosts: ['127.0.0.1'] },
        limits: LIMITS,
        resolve: stubResolver({}),
      });
      expect(await client.send(`http://127.0.0.1:${failing.port}/`, {}, BODY)).toMatchObject({
        ok: false,
        failure: 'http_status',
        status: 500,
      });
    } finally {
      await failing.close();
    }
  });
});

describe('address policy', () => {
  it.each([
    ['8.8.8.8', undefined],
    ['2606:4700:4700::1111', undefined],
    ['127.255.255.254', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.0', undefined],
    ['172.32.0.1', undefined],
    ['ff02::1', 'multicast'],
    ['fdff::1', 'unique_local'],
    ['169.254.1.1', 'link_local'],
    ['255.255.255.255', 'reserved'],
  ])('%s → %s', (address, kind) => {
    expect(refusedAddressKind(address)).toBe(kind);
  });
});
