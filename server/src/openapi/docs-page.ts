/**
 * The self-hosted reference page: Swagger UI from the `swagger-ui-dist`
 * package, served by Gatehouse itself (no CDN, works offline). The page
 * and its assets are the only responses with this CSP; everything else
 * keeps the API's `default-src 'none'`.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI sets element styles from script (CSSOM, allowed); no inline <style> or
  // style="" is needed.
  "style-src 'self'",
  // Its stylesheet draws icons as data: SVGs.
  "img-src 'self' data:",
  // It fetches /openapi.json (and "Try it out" calls) from this origin only.
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export const DOCS_HTML = `<!doctype html>
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

/** A file, not an inline script, so `script-src 'self'` needs no hash or nonce. */
export const DOCS_INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
  });
});
`;
