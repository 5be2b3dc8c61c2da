import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './spawn-server';

/** A frontend team's app in miniature, on http://localhost:<port>. */
export interface FrontendServer {
  readonly origin: string;
  /** Where its /trpc requests go (set once the API server runs). */
  proxyTo(apiUrl: string): void;
  close(): Promise<void>;
}

/**
 * Serves the sign-in page (test/support/browser-page/sign-in-page.ts, bundled with the typed
 * client by esbuild) on every path but `/trpc/*`, which it forwards to the API server, as a
 * frontend's own host or a reverse proxy would: the browser sees one origin, so the session
 * cookie is first-party and the API's CSRF rule sees that origin (the test lists it in
 * CORS_ORIGINS). localhost, not 127.0.0.1, so that WebAuthn would work here too.
 */
export async function startFrontendServer(): Promise<FrontendServer> {
  const bundle = await build({
    entryPoints: [join(REPO_ROOT, 'test', 'support', 'browser-page', 'sign-in-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const html =
    '<!doctype html><html><head><meta charset="utf-8"><title>Sign in</title></head>' +
    '<body><pre id="result"></pre><script src="/app.js"></script></body></html>';
  let api = '';
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/trpc/')) {
      const target = new URL(url, api);
      const forwarded = httpRequest(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forwarded.on('error', () => {
        res.statusCode = 502;
        res.end();
      });
      req.pipe(forwarded);
      return;
    }
    if (url === '/app.js') {
      res.setHeader('content-type', 'text/javascript; charset=utf-8');
      res.end(script);
      return;
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', "default-src 'self'; script-src 'self'");
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    proxyTo: (url) => {
      api = url;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
