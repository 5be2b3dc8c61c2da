import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AnyRouter } from '@trpc/server';
import type { PlainRoute } from '../http/plain-route';
import { buildOpenApiDocument } from './build-openapi-document';

const require = createRequire(import.meta.url);

/** The reference page may run its own script and styles, and nothing else. */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI sets style attributes at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Gatehouse API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null, tryItOutEnabled: false });
});
`;

/**
 * `GET /openapi.json` and the self-hosted reference page `GET /docs`
 * (Swagger UI's assets from the `swagger-ui-dist` package: no CDN). The CSP
 * is relaxed for these paths only.
 */
export function createDocsRoutes(options: { router: AnyRouter; version: string; publicUrl: string | undefined }): PlainRoute {
  let document: string | undefined;
  const assetsDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const assets = new Map<string, { body: Buffer; type: string }>([
    ['/docs/assets/swagger-ui.css', { body: readFileSync(join(assetsDir, 'swagger-ui.css')), type: 'text/css; charset=utf-8' }],
    ['/docs/assets/swagger-ui-bundle.js', { body: readFileSync(join(assetsDir, 'swagger-ui-bundle.js')), type: 'text/javascript; charset=utf-8' }],
    ['/docs/init.js', { body: Buffer.from(INIT), type: 'text/javascript; charset=utf-8' }],
    ['/docs', { body: Buffer.from(PAGE), type: 'text/html; charset=utf-8' }],
    ['/docs/', { body: Buffer.from(PAGE), type: 'text/html; charset=utf-8' }],
  ]);

  return function docsRoutes(req, res, _state, pathname) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (pathname === '/openapi.json') {
      document ??= JSON.stringify(buildOpenApiDocument(options.router, { version: options.version, servers: options.publicUrl ? [options.publicUrl] : [] }));
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
