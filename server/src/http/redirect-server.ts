import http from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { capConnectionsPerAddress } from './cap-connections-per-address';
import { createClientAddressResolver } from './client-address';
import {
  onCredentialOverPlainHttp,
  PLAIN_BODY_SCAN_BYTES,
  PLAIN_BODY_SCAN_MS,
  type ExposedCredentialRevoker,
} from './credential-over-plain-http';
import { readBodyPrefix } from './read-body-prefix';
import { resolveRequestId } from './request-id';
import { sendJson } from './send-json';
import { trpcErrorBody } from './trpc-error-body';

export interface RedirectServerOptions {
  readonly config: Config;
  readonly log: Logger;
  /** The port the HTTPS server actually listens on (used when PUBLIC_URL is unset). */
  readonly httpsPort: number;
  readonly revoker: ExposedCredentialRevoker | undefined;
}

/** Browser pages: the only paths redirected to HTTPS. */
function isBrowserPage(pathname: string): boolean {
  return pathname === '/' || pathname === '/docs' || pathname.startsWith('/docs/');
}

/** One DNS label: letters, digits and inner hyphens, at most 63 characters. */
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** A host name of such labels, or a bracketed IP literal. */
const HOSTNAME = new RegExp(String.raw`^(?:${LABEL}(?:\.${LABEL})*|\[[0-9A-Fa-f:.]+\])$`);

/**
 * The optional plain-HTTP listener (`HTTP_REDIRECT_PORT`). It serves nothing
 * itself: browser pages get a 308 to the HTTPS URL, every API path gets
 * `403 HTTPS_REQUIRED` with no redirect (OWASP ASVS 5.0 4.1.2: following a
 * redirect would hide from the client that its credential went out in clear
 * text). Any credential seen here — in a header, the URL or the first
 * 16 KiB of the body — goes to {@link onCredentialOverPlainHttp}.
 */
export function createRedirectServer(options: RedirectServerOptions): http.Server {
  const { config, log, httpsPort } = options;
  const clientAddress = createClientAddressResolver(config.http.trustProxy);
  const fixedBase = config.http.publicUrl ? new URL(config.http.publicUrl).origin : undefined;

  const server = http.createServer(
    {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      const requestId = resolveRequestId(req.headers['x-request-id']);
      const { ip } = clientAddress(req);
      res.setHeader('x-request-id', requestId);
      res.setHeader('cache-control', 'no-store');
      res.setHeader('connection', 'close');
      const url = req.url ?? '/';
      const pathname = url.split('?')[0] ?? '/';
      // The body too may carry a credential (a form's client_secret, a JSON
      // member): the first PLAIN_BODY_SCAN_BYTES are read and looked through.
      void readBodyPrefix(req, PLAIN_BODY_SCAN_BYTES, PLAIN_BODY_SCAN_MS)
        .then((body) =>
          onCredentialOverPlainHttp(req, { revoker: options.revoker, log, ip, requestId }, body),
        )
        .then(() => {
          req.resume();
          if (url.length > config.http.maxUrlLength) {
            const { status, body } = trpcErrorBody(
              'URL_TOO_LONG',
              `The URL exceeds ${config.http.maxUrlLength} characters`,
              requestId,
            );
            return sendJson(res, status, body);
          }
          if ((req.method === 'GET' || req.method === 'HEAD') && isBrowserPage(pathname)) {
            const base = fixedBase ?? httpsBase(req.headers.host, httpsPort);
            if (base) {
              res.statusCode = 308;
              res.setHeader('location', `${base}${url}`);
              res.end();
              return;
            }
          }
          const { status, body } = trpcErrorBody(
            'HTTPS_REQUIRED',
            'This API is served over HTTPS only; ' +
              'a credential sent here has been exposed and is revoked',
            requestId,
          );
          sendJson(res, status, body);
        });
    },
  );
  server.headersTimeout = config.http.headersTimeoutMs;
  server.requestTimeout = config.http.requestTimeoutMs;
  capConnectionsPerAddress(server, {
    max: config.http.maxConnectionsPerIp,
    trustProxy: config.http.trustProxy,
  });
  return server;
}

/** `https://<Host's hostname>[:port]`, or undefined for a Host that is not a plain hostname. */
function httpsBase(host: string | undefined, port: number): string | undefined {
  if (!host) return undefined;
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  if (!hostname || !HOSTNAME.test(hostname)) return undefined;
  return port === 443 ? `https://${hostname}` : `https://${hostname}:${port}`;
}
