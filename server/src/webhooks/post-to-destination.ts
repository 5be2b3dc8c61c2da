import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { CheckedDestination } from './resolve-destination';

/** Timeouts and the response bound of one delivery attempt (config `webhooks`). */
export interface PostLimits {
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly totalTimeoutMs: number;
  /** Bytes of the response body kept; the rest is never read (the socket is destroyed). */
  readonly maxResponseBytes: number;
}

export type PostFailure =
  | 'redirect'
  | 'http_status'
  | 'connect_timeout'
  | 'headers_timeout'
  | 'total_timeout'
  | 'connection_failed';

export type PostResult =
  | { readonly ok: true; readonly status: number; readonly body: string }
  | {
      readonly ok: false;
      readonly failure: PostFailure;
      readonly status?: number;
      readonly body?: string;
      readonly message: string;
    };

/**
 * A lookup that answers the already-checked address and nothing else: the
 * socket connects where the checks looked, whatever DNS says now.
 */
function pinnedLookup(destination: CheckedDestination): LookupFunction {
  const { address, family } = destination.address;
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/**
 * POSTs `body` to a checked destination: a fresh connection to the checked
 * address (no pooling, no second lookup), SNI and Host the URL's own name,
 * redirects never followed (a 3xx is a failure), connect, headers and total
 * timeouts, and at most `maxResponseBytes` of the answer read.
 */
export function postToDestination(
  destination: CheckedDestination,
  headers: Readonly<Record<string, string>>,
  body: Buffer,
  limits: PostLimits,
): Promise<PostResult> {
  const { url, hostname } = destination;
  const secure = url.protocol === 'https:';
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (result: PostResult): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      req.destroy();
      resolve(result);
    };
    const timeout = (failure: PostFailure, ms: number): NodeJS.Timeout => {
      const t = setTimeout(
        () =>
          finish({ ok: false, failure, message: `${failure.replace('_', ' ')} after ${ms} ms` }),
        ms,
      );
      timers.push(t);
      return t;
    };
    const options: https.RequestOptions = {
      method: 'POST',
      protocol: url.protocol,
      hostname,
      port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers: {
        ...headers,
        host: url.host,
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': 'Gatehouse-Webhooks/1',
      },
      agent: false,
      lookup: pinnedLookup(destination),
      ...(secure && isIP(hostname) === 0 ? { servername: hostname } : {}),
    };
    const req = (secure ? https : http).request(options);
    timeout('total_timeout', limits.totalTimeoutMs);
    const connectTimer = timeout('connect_timeout', limits.connectTimeoutMs);
    let headersTimer: NodeJS.Timeout | undefined;
    req.once('socket', (socket) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(connectTimer);
        headersTimer = timeout('headers_timeout', limits.headersTimeoutMs);
      });
    });
    req.once('error', (err) =>
      finish({ ok: false, failure: 'connection_failed', message: err.message.slice(0, 200) }),
    );
    req.once('response', (res) => {
      if (headersTimer) clearTimeout(headersTimer);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        finish({
          ok: false,
          failure: 'redirect',
          status,
          message: `answered ${status}; redirects are not followed`,
        });
        return;
      }
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = (): void => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (status >= 200 && status < 300) finish({ ok: true, status, body: text });
        else
          finish({
            ok: false,
            failure: 'http_status',
            status,
            body: text,
            message: `answered ${status}`,
          });
      };
      res.on('data', (chunk: Buffer) => {
        const room = limits.maxResponseBytes - kept;
        if (room > 0) {
          const part = chunk.subarray(0, room);
          chunks.push(part);
          kept += part.length;
        }
        // Enough: the rest of the body is never read.
        if (kept >= limits.maxResponseBytes) done();
      });
      res.once('end', done);
      res.once('error', done);
    });
    req.end(body);
  });
}
