import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/create-app';
import { createContextFactory } from '../../src/http/create-context-factory';
import { resolveRequestId } from '../../src/http/request-id';
import type { RequestState } from '../../src/http/request-state';
import { createTrpcRequestHooks } from '../../src/http/trpc-request-hooks';
import * as trpcProtocol from '../../src/http/trpc-protocol/create-trpc-protocol-handler';
import { closeApp, testConfig } from '../../../test/support/test-app';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { onAbortSeen, protocolTestRouter as testRouter } from './protocol-test-router';

/**
 * Our tRPC-protocol handler must answer exactly as tRPC's official node
 * adapter does. The same request corpus goes to Gatehouse's real front door
 * (our handler behind the pre-checks) and to tRPC's `createHTTPHandler`
 * serving the same router with the same createContext and hooks; status
 * codes, bodies and the protocol headers must be identical.
 *
 * Both arms call procedures through the same, patched, tRPC core
 * (patches/README.md), so this compares the two HTTP handlers, not the
 * patch: a regression in the patch would show on both sides alike. The
 * patch is held to concrete answers by server/test/pipeline/trpc-patch-golden.test.ts.
 */

interface Probe {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly body?: string;
}

const q = (value: unknown): string => encodeURIComponent(JSON.stringify(value));

// Left out on purpose: the front door answers these before tRPC runs, with
// Gatehouse's own reasons (malformed JSON 400, body over the limit 413,
// non-JSON media types 415, batches over MAX_BATCH_SIZE 400 BATCH_TOO_LARGE,
// JSON too deep, bad URL escapes, methods other than GET/POST, over-long
// URLs). tRPC's own `maxBatchSize` rule and HEAD are compared further down,
// against our handler without the front door.
const CORPUS: readonly Probe[] = [
  { name: 'valid query', method: 'GET', url: `/trpc/t.echo?input=${q({ text: 'hi' })}` },
  {
    name: 'chained inputs merged, context extended, output stripped',
    method: 'GET',
    url: `/trpc/t.merged?input=${q({ a: 'x', b: 2 })}`,
  },
  {
    name: 'chained inputs: the second one fails',
    method: 'GET',
    url: `/trpc/t.merged?input=${q({ a: 'x', b: 'two' })}`,
  },
  { name: 'public query of the app router', method: 'GET', url: '/trpc/system.version' },
  {
    name: 'valid mutation',
    method: 'POST',
    url: '/trpc/t.add',
    body: JSON.stringify({ a: 1, b: 2 }),
  },
  {
    name: 'batch GET',
    method: 'GET',
    url: `/trpc/t.echo,system.version,t.none?batch=1&input=${q({ 0: { text: 'a' }, 2: {} })}`,
  },
  {
    name: 'batch POST',
    method: 'POST',
    url: '/trpc/t.add,t.add?batch=1',
    body: JSON.stringify({ 0: { a: 1, b: 1 }, 1: { a: 2, b: 3 } }),
  },
  {
    name: 'batch of one',
    method: 'GET',
    url: `/trpc/t.echo?batch=1&input=${q({ 0: { text: 'one' } })}`,
  },
  {
    name: 'batch with mixed results (207)',
    method: 'GET',
    url: `/trpc/t.echo,t.limited,nope.missing?batch=1&input=${q({ 0: { text: 'a' } })}`,
  },
  {
    name: 'batch where every call fails alike',
    method: 'GET',
    url: '/trpc/t.limited,t.limited?batch=1',
  },
  {
    name: 'batch mutation with mixed results',
    method: 'POST',
    url: '/trpc/t.add,t.conflict?batch=1',
    body: JSON.stringify({ 0: { a: 1, b: 1 } }),
  },
  { name: 'batch mixing queries and mutations', method: 'GET', url: '/trpc/t.echo,t.add?batch=1' },
  {
    name: 'batch input that is not an object',
    method: 'GET',
    url: `/trpc/t.echo,t.none?batch=1&input=${q([1, 2])}`,
  },
  { name: 'batch input null', method: 'GET', url: '/trpc/t.none,t.none?batch=1&input=null' },
  {
    name: 'batch with empty paths (a,,b)',
    method: 'GET',
    url: `/trpc/t.echo,,system.version?batch=1&input=${q({ 0: { text: 'a' } })}`,
  },
  { name: 'batch of empty paths only', method: 'GET', url: '/trpc/,,?batch=1' },
  {
    name: 'batch with a wrong method for some calls',
    method: 'POST',
    url: '/trpc/t.echo,nope?batch=1',
    body: '{}',
  },
  { name: 'invalid input: wrong type', method: 'GET', url: `/trpc/t.echo?input=${q({ text: 5 })}` },
  {
    name: 'invalid input: unknown key',
    method: 'GET',
    url: `/trpc/t.echo?input=${q({ text: 'a', admin: true })}`,
  },
  {
    name: 'invalid input: too long',
    method: 'GET',
    url: `/trpc/t.echo?input=${q({ text: 'x'.repeat(11) })}`,
  },
  {
    name: 'invalid mutation input',
    method: 'POST',
    url: '/trpc/t.add',
    body: JSON.stringify({ a: '1' }),
  },
  { name: 'unknown path', method: 'GET', url: '/trpc/nope' },
  { name: 'unknown nested path', method: 'GET', url: '/trpc/t.nope.deeper' },
  { name: 'a router, not a procedure', method: 'GET', url: '/trpc/t' },
  { name: 'prototype key as path', method: 'GET', url: '/trpc/constructor' },
  { name: 'empty path', method: 'GET', url: '/trpc/' },
  {
    name: 'POST to a query (405)',
    method: 'POST',
    url: '/trpc/t.echo',
    body: JSON.stringify({ text: 'a' }),
  },
  { name: 'GET to a mutation (405)', method: 'GET', url: `/trpc/t.add?input=${q({ a: 1, b: 2 })}` },
  { name: 'output validation failure', method: 'GET', url: '/trpc/t.leaky' },
  { name: 'thrown AppError with reason and Retry-After', method: 'GET', url: '/trpc/t.limited' },
  { name: 'thrown AppError in a mutation', method: 'POST', url: '/trpc/t.conflict', body: '' },
  { name: 'thrown plain Error', method: 'GET', url: '/trpc/t.plain' },
  { name: 'permission without credentials (401)', method: 'GET', url: '/trpc/t.mine' },
  { name: 'empty input: no ?input', method: 'GET', url: '/trpc/t.none' },
  { name: 'empty input: ?input= with nothing', method: 'GET', url: '/trpc/t.none?input=' },
  { name: 'empty input: {}', method: 'GET', url: `/trpc/t.none?input=${q({})}` },
  { name: 'empty input: required but absent', method: 'GET', url: '/trpc/t.echo' },
  { name: 'empty input: POST without a body', method: 'POST', url: '/trpc/t.add', body: '' },
  { name: 'input null', method: 'GET', url: '/trpc/t.none?input=null' },
  { name: 'input a bare string', method: 'GET', url: `/trpc/t.echo?input=${q('text')}` },
  { name: 'URL-encoded path', method: 'GET', url: `/trpc/t.%65cho?input=${q({ text: 'enc' })}` },
  {
    name: 'batch=0 is not a batch',
    method: 'GET',
    url: `/trpc/t.echo?batch=0&input=${q({ text: 'a' })}`,
  },
  { name: 'comma path without batch', method: 'GET', url: '/trpc/t.echo,t.none' },
];

/**
 * The headers that belong to tRPC's protocol (the front door adds its own).
 * `Vary` is checked apart: ours keeps the front door's `Vary: Origin`.
 */
const PROTOCOL_HEADERS = ['allow', 'retry-after'] as const;

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string | null>;
}

async function send(base: string, probe: Probe): Promise<Answer> {
  const init: RequestInit = {
    method: probe.method,
    headers: { 'x-request-id': 'diff-1', 'content-type': 'application/json' },
  };
  if (probe.method === 'POST') init.body = probe.body ?? '';
  const res = await fetch(`${base}${probe.url}`, init);
  const text = await res.text();
  const headers: Record<string, string | null> = {};
  for (const h of PROTOCOL_HEADERS) headers[h] = res.headers.get(h);
  return {
    status: res.status,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    headers,
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!server?.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

const dummy = { headers: {} } as IncomingMessage;

function stateFor(req: IncomingMessage): RequestState {
  return {
    requestId: resolveRequestId(req.headers['x-request-id']),
    ip: '127.0.0.1',
    secure: false,
    startedAt: 0,
    log: pino({ level: 'silent' }),
    procedures: [],
    reason: undefined,
  };
}

describe('tRPC protocol: our handler answers as tRPC’s official adapter', () => {
  let database: TestDatabase;
  let app: App;
  let ours: string;
  let stockServer: Server;
  let stock: string;
  let bareServer: Server;
  let bare: string;
  let contexts = 0;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const config = testConfig({ MAX_BATCH_SIZE: '10' });
    app = await createApp({
      config,
      log: pino({ level: 'silent' }),
      database: database.handle,
      router: testRouter,
    });
    const address = await app.listen();
    ours = `http://127.0.0.1:${address.port}`;

    const createContext = createContextFactory(app.deps);
    const states = new WeakMap<IncomingMessage, RequestState>();
    const state = (req: IncomingMessage): RequestState => {
      let s = states.get(req);
      if (!s) states.set(req, (s = stateFor(req)));
      return s;
    };
    // Same router, same createContext, same hooks: only the adapter differs.
    const stockHooks = createTrpcRequestHooks(stateFor(dummy));
    const stockHandler = createHTTPHandler({
      router: testRouter,
      basePath: '/trpc/',
      maxBatchSize: 10,
      createContext: ({ req, res }) => createContext(req, res, state(req)),
      responseMeta: stockHooks.responseMeta,
      onError: stockHooks.onError,
    });
    stockServer = http.createServer((req, res) => stockHandler(req, res));
    stock = await listen(stockServer);

    // Our handler without the front door, for the rules the front door
    // answers first (tRPC's own maxBatchSize, HEAD).
    const handle = trpcProtocol.createTrpcProtocolHandler({ router: testRouter, maxBatchSize: 10 });
    bareServer = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = url.searchParams.get('input');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const raw = req.method === 'POST' ? body : text;
        const s = state(req);
        res.setHeader('vary', 'Origin');
        void handle(req, res, {
          path: decodeURIComponent(url.pathname.slice('/trpc/'.length)),
          isBatch: url.searchParams.get('batch') === '1',
          input: raw ? (JSON.parse(raw) as unknown) : undefined,
          createContext: () => {
            contexts++;
            return createContext(req, res, s);
          },
          ...createTrpcRequestHooks(s),
        });
      });
    });
    bare = await listen(bareServer);
  });

  afterAll(async () => {
    await close(stockServer);
    await close(bareServer);
    if (app) await closeApp(app);
    await database?.destroy();
  });

  it.each(CORPUS.map((p) => [p.name, p] as const))('%s', async (_name, probe) => {
    const [a, b] = await Promise.all([send(ours, probe), send(stock, probe)]);
    expect(a).toEqual(b);
  });

  it('patched tRPC paths merge inputs, extend the context, strip the output', async () => {
    const answer = await send(ours, {
      name: '',
      method: 'GET',
      url: `/trpc/t.merged?input=${q({ a: 'x', b: 2, c: true })}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      result: { data: { a: 'x', b: 2, extra: 'from-middleware', requestId: '' } },
    });
  });

  it('the corpus covers every status family tRPC uses', async () => {
    const statuses = new Set<number>();
    for (const probe of CORPUS) statuses.add((await send(ours, probe)).status);
    expect([...statuses].sort((x, y) => x - y)).toEqual([
      200, 207, 400, 401, 404, 405, 409, 429, 500,
    ]);
  });

  it.each([
    [
      'batch over tRPC’s maxBatchSize',
      { name: '', method: 'GET', url: `/trpc/${Array(11).fill('t.none').join(',')}?batch=1` },
    ],
    [
      'batch at tRPC’s maxBatchSize',
      { name: '', method: 'GET', url: `/trpc/${Array(10).fill('t.none').join(',')}?batch=1` },
    ],
    [
      'empty paths count toward maxBatchSize',
      { name: '', method: 'GET', url: `/trpc/${','.repeat(10)}?batch=1` },
    ],
  ] as const)('without the front door: %s', async (_name, probe) => {
    const [a, b] = await Promise.all([send(bare, probe), send(stock, probe)]);
    expect(a).toEqual(b);
  });

  it('without the front door: HEAD answers 204 with no body, as tRPC does', async () => {
    const [a, b] = await Promise.all([
      fetch(`${bare}/trpc/t.none`, { method: 'HEAD' }),
      fetch(`${stock}/trpc/t.none`, { method: 'HEAD' }),
    ]);
    expect(a.status).toBe(204);
    expect(b.status).toBe(204);
  });

  it('creates the context once per HTTP request, however many calls it batches', async () => {
    contexts = 0;
    const res = await fetch(`${bare}/trpc/t.none,t.none?batch=1`);
    expect(res.status).toBe(200);
    expect(contexts).toBe(1);
  });

  it('aborts the calls’ signal when the client disconnects', async () => {
    const seen = onAbortSeen();
    const client = new AbortController();
    const pending = fetch(`${ours}/trpc/t.waitForAbort`, { signal: client.signal }).catch(
      (err: unknown) => err,
    );
    // Abort once the server is surely inside the procedure: it is waiting on the signal.
    await new Promise((r) => setTimeout(r, 100));
    client.abort();
    expect(await pending).toBeInstanceOf(Error);
    expect(await seen).toBeDefined();
  });

  it('adds tRPC’s Vary to one set earlier (CORS’s Origin) instead of replacing it', async () => {
    const [a, b, c] = await Promise.all([
      fetch(`${bare}/trpc/system.version`),
      fetch(`${stock}/trpc/system.version`),
      fetch(`${ours}/trpc/system.version`),
    ]);
    expect(b.headers.get('vary')).toBe('trpc-accept, accept');
    expect(a.headers.get('vary')).toBe('Origin, trpc-accept, accept');
    expect(c.headers.get('vary')).toMatch(/trpc-accept, accept$/);
  });

  it('sends Retry-After from an AppError and keeps the reason in the body', async () => {
    const res = await fetch(`${ours}/trpc/t.limited`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    const body = (await res.json()) as {
      error: { data: { reason: string; retryAfterSeconds: number } };
    };
    expect(body.error.data.reason).toBe('RATE_LIMITED');
    expect(body.error.data.retryAfterSeconds).toBe(7);
  });
});
