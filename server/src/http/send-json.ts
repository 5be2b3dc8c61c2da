import type { ServerResponse } from 'node:http';

/** Writes a JSON response (no-op if headers were already sent). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(payload));
  if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(payload);
}
