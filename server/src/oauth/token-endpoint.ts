import type { ServerResponse } from 'node:http';
import { isPermission } from '@gatehouse/shared';
import type { PlainRoute } from '../http/plain-route';
import { readBody } from '../http/read-body';
import { RequestAudit } from '../audit/request-audit';
import type { AuditSink } from '../pipeline/audit-sink';
import type { Authenticator } from '../pipeline/authenticator';
import type { AppDeps } from '../app-deps';
import { issueAccessToken, type TokenSettings } from './access-token';
import type { SigningKeys } from './signing-keys';

type OAuthError =
  | 'invalid_request'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'server_error';

function answer(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  // RFC 6749 §5.1: token responses are never cached.
  res.setHeader('cache-control', 'no-store');
  res.setHeader('pragma', 'no-cache');
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(payload);
}

function fail(res: ServerResponse, error: OAuthError, description: string): void {
  const status = error === 'invalid_client' ? 401 : error === 'server_error' ? 500 : 400;
  answer(
    res,
    status,
    { error, error_description: description },
    error === 'invalid_client'
      ? { 'www-authenticate': 'Basic realm="gatehouse", charset="UTF-8"' }
      : {},
  );
}

/** HTTP Basic client authentication, RFC 6749 §2.3.1 (both halves form-urlencoded). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = header ? /^Basic[ \t]+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const unform = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * `POST /oauth/token`: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4).
 * The client is an API key (client_id = its id, client_secret = the whole
 * key), authenticated by HTTP Basic or in the body; the answer is a
 * short-lived RFC 9068 JWT carrying the key's scopes (or the requested
 * subset). The only endpoint that accepts form encoding.
 */
export function createTokenEndpoint(options: {
  deps: Pick<AppDeps, 'db' | 'config'>;
  audit: AuditSink;
  apiKeys: Authenticator;
  keys: SigningKeys;
  settings: TokenSettings;
}): PlainRoute {
  const { apiKeys, keys, settings, audit, deps } = options;
  return function tokenEndpoint(req, res, state, pathname) {
    if (pathname !== '/oauth/token') return false;
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      answer(res, 405, { error: 'invalid_request', error_description: 'Use POST' });
      return true;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      req.resume();
      fail(res, 'invalid_request', 'The body must be application/x-www-form-urlencoded');
      return true;
    }
    void (async () => {
      const body = await readBody(req, 8 * 1024);
      if (!body.ok) return fail(res, 'invalid_request', 'The body is too large or was cut off');
      const form = new URLSearchParams(body.body);
      // RFC 6749 §3.2: a parameter sent twice is an invalid request (which one
      // would win is ambiguous).
      const names = [...form.keys()];
      if (new Set(names).size !== names.length)
        return fail(res, 'invalid_request', 'A parameter is repeated');
      const basic = basicCredentials(req.headers.authorization);
      const bodyId = form.get('client_id');
      const bodySecret = form.get('client_secret');
      if (basic && (bodyId !== null || bodySecret !== null))
        return fail(res, 'invalid_request', 'Use one client authentication method, not two');
      const client =
        basic ??
        (bodyId !== null && bodySecret !== null ? { id: bodyId, secret: bodySecret } : undefined);
      if (!client)
        return fail(
          res,
          'invalid_client',
          'Client authentication is required (HTTP Basic, or client_id and client_secret)',
        );
      if (form.get('grant_type') !== 'client_credentials')
        return fail(
          res,
          'unsupported_grant_type',
          'Only grant_type=client_credentials is supported',
        );

      const outcome = await apiKeys({
        headers: { 'x-api-key': client.secret },
        cookies: {},
        secure: state.secure,
        ip: state.ip,
        requestId: state.requestId,
      });
      if (!outcome || !('principal' in outcome) || outcome.principal.apiKeyId !== client.id) {
        state.reason = 'API_KEY_INVALID';
        return fail(res, 'invalid_client', 'Unknown, revoked or expired client');
      }
      const principal = outcome.principal;
      const requested = form.get('scope');
      let scopes = [...principal.permissions];
      if (requested !== null && requested.trim() !== '') {
        const asked = requested.trim().split(/\s+/);
        if (!asked.every((s) => isPermission(s) && principal.permissions.has(s)))
          return fail(res, 'invalid_scope', 'The requested scope exceeds what this key holds');
        scopes = asked as typeof scopes;
      }
      if (scopes.length === 0)
        return fail(res, 'invalid_scope', 'This key holds no scope its owner still has');
      const scope = scopes.join(' ');
      // A token never outlives the key it was issued to.
      const key = await deps.db
        .selectFrom('api_keys')
        .select('expires_at')
        .where('id', '=', client.id)
        .where('user_id', '=', principal.userId)
        .executeTakeFirstOrThrow();
      const lifetimeSeconds = Math.min(
        settings.ttlSeconds,
        Math.floor((new Date(key.expires_at).getTime() - Date.now()) / 1000),
      );
      if (lifetimeSeconds < 1)
        return fail(res, 'invalid_client', 'Unknown, revoked or expired client');
      const accessToken = await issueAccessToken(keys, settings, {
        lifetimeSeconds,
        sub: principal.userId,
        client_id: client.id,
        scope,
        ...(principal.orgId ? { org_id: principal.orgId } : {}),
      });
      // The client just authenticated: its key is the principal, and the actor.
      const { ip, requestId, log } = state;
      await new RequestAudit(audit, { principal, ip, requestId, log }).record(
        deps.db,
        'oauth.token',
        { details: { scope } },
      );
      answer(res, 200, {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: lifetimeSeconds,
        scope,
      });
    })().catch((err: unknown) => {
      state.log.error({ err }, 'token endpoint failed');
      if (!res.headersSent) fail(res, 'server_error', 'Internal error');
    });
    return true;
  };
}

/** `GET /.well-known/jwks.json`: the public keys tokens are signed with. */
export function createJwksRoute(keys: SigningKeys): PlainRoute {
  return function jwksRoute(req, res, _state, pathname) {
    if (pathname !== '/.well-known/jwks.json' || (req.method !== 'GET' && req.method !== 'HEAD'))
      return false;
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json');
    res.setHeader('cache-control', 'public, max-age=300');
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(keys.jwks()));
    return true;
  };
}
