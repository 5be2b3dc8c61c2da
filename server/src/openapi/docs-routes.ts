import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AnyRouter } from '@trpc/server';
import type { PlainRoute } from '../http/plain-route';
import { buildOpenApiDocument } from './build-openapi-document';
import { DOCS_CSP, DOCS_HTML, DOCS_INIT_JS } from './docs-page';

const require = createRequire(import.meta.url);

export interface DocsRoutesOptions {
  readonly router: AnyRouter;
  readonly version: string;
  readonly publicUrl: string | undefined;
}

/**
 * `GET /openapi.json` (built once, on first request) and the reference page
 * `GET /docs` with its assets, read once at start-up from `swagger-ui-dist`.
 * The page's CSP replaces the API's on these paths only.
 */
export function createDocsRoutes(options: DocsRoutesOptions): PlainRoute {
  let document: string | undefined;
  const assetsDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const html = { body: Buffer.from(DOCS_HTML), type: 'text/html; charset=utf-8' };
  const assets = new Map<string, { body: Buffer; type: string }>([
    ['/docs', html],
    ['/docs/', html],
    ['/docs/init.js', { body: Buffer.from(DOCS_INIT_JS), type: 'text/javascript; charset=utf-8' }],
    [
      '/docs/assets/swagger-ui.css',
      { body: readFileSync(join(assetsDir, 'swagger-ui.css')), type: 'text/css; charset=utf-8' },
    ],
    [
      '/docs/assets/swagger-ui-bundle.js',
      {
        body: readFileSync(join(assetsDir, 'swagger-ui-bundle.js')),
        type: 'text/javascript; charset=utf-8',
      },
    ],
  ]);

  return function docsRoutes(req, res, _state, pathname) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (pathname === '/openapi.json') {
      document ??= JSON.stringify(
        buildOpenApiDocument(options.router, {
          version: options.version,
          servers: options.publicUrl ? [options.publicUrl] : [],
        }),
      );
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-cache');
      res.end(req.method === 'HEAD' ? undefined : document);
      return true;
    }
    const asset = assets.get(pathname);
    if (!asset) return false;
    res.statusCode = 200;
    res.setHeader('content-type', asset.type);
    res.setHeader('content-security-policy', DOCS_CSP);
    res.setHeader('cache-control', 'no-cache');
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
  };
}
