import type { Permission } from '@gatehouse/shared';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createAggregatedAudit, type AggregatedAudit } from '../audit/aggregated-audit';
import type { Database } from '../db/database';
import type { AuditSink } from '../pipeline/audit-sink';
import type { Authenticator } from '../pipeline/authenticator';
import { permissionsOfRole } from '../pipeline/global-roles';
import type { Principal } from '../pipeline/principal';
import type { ApiKeyCache } from './api-key-cache';
import { findKeyWithOwner, touchKey } from './api-key-queries';
import { apiKeySecretMatches } from './api-key-secret-matches';
import { looksLikeApiKey, parseApiKey } from './api-key-token';
import { ORG_KEY_SCOPES } from './org-key-scopes';

const MINUTE = 60_000;

/** The presented API key: `Authorization: Bearer gth_live_…` or `X-API-Key`. */
export function presentedApiKey(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const auth = headers.authorization;
  const bearer = typeof auth === 'string' ? /^Bearer[ \t]+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
  if (bearer && looksLikeApiKey(bearer)) return bearer;
  const header = headers['x-api-key'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim() || undefined;
}

/**
 * API keys: shape and checksum first (a forged or mistyped key costs no
 * database read), then one query for the key and its owner. The key acts
 * with its scopes intersected with the owner's CURRENT role: a demoted or
 * locked owner's keys shrink or stop at once. Last use is written at most
 * once a minute per key. Refused uses of a known key id are audited
 * aggregated (`refusals`): one row per key, reason and window, with a count,
 * so forged secrets cannot make the audit log grow without bound.
 *
 * With a `cache`, a key that passed every check is served from memory for its
 * next calls (api-key-cache.ts: short-lived, dropped through the revocation
 * bus); a presented secret that does not match the cached row reads the row
 * again (another instance may have rotated it) before it is refused.
 */
export function createApiKeyAuthenticator(deps: {
  db: Kysely<Database>;
  audit: AuditSink;
  log: Logger;
  refusals?: AggregatedAudit;
  cache?: ApiKeyCache;
}): Authenticator {
  const { cache } = deps;
  const lastTouched = new Map<string, number>();
  const refusals =
    deps.refusals ?? createAggregatedAudit({ audit: deps.audit, db: deps.db, windowMs: MINUTE });
  const deny = async (
    id: string,
    reason: string,
    ip: string,
    requestId: string,
  ): Promise<{ error: 'API_KEY_INVALID' }> => {
    await refusals.append(`api_key.use|${id}|${reason}`, {
      action: 'api_key.use',
      actor: { type: 'api_key', id },
      outcome: 'denied',
      ip,
      requestId,
      details: { reason },
    });
    return { error: 'API_KEY_INVALID' };
  };

  return async function apiKeyAuthenticator(req) {
    const presented = presentedApiKey(req.headers);
    if (presented === undefined) return undefined;
    const parsed = parseApiKey(presented);
    if (!parsed) return { error: 'API_KEY_INVALID' };
    const now = Date.now();
    // A secret that does not open the cached row reads the row again (another instance may
    // have rotated it); the entry stays for the real secret, so forged ones cannot thrash it.
    let cached = cache?.get(parsed.id, now);
    if (cached && !apiKeySecretMatches(cached, parsed.secretHash, now)) cached = undefined;
    const stamp = cache?.stamp() ?? 0;
    const row = cached ?? (await findKeyWithOwner(deps.db, parsed.id));
    if (!row) return { error: 'API_KEY_INVALID' };
    if (!apiKeySecretMatches(row, parsed.secretHash, now))
      return deny(row.id, 'wrong secret', req.ip, req.requestId);
    if (row.revoked_at !== null) return deny(row.id, 'revoked', req.ip, req.requestId);
    if (new Date(row.expires_at).getTime() <= now)
      return deny(row.id, 'expired', req.ip, req.requestId);
    if (row.locked_at !== null) return deny(row.id, 'owner locked', req.ip, req.requestId);
    if (!cached) cache?.set(row, now, stamp);

    if (now - (lastTouched.get(row.id) ?? 0) >= MINUTE) {
      lastTouched.set(row.id, now);
      if (lastTouched.size > 10_000) lastTouched.clear();
      touchKey(deps.db, row.id).catch((err: unknown) =>
        deps.log.warn({ err: { message: (err as Error).message } }, 'recording API key use failed'),
      );
    }
    const scopes = new Set(row.scopes as Permission[]);
    const rolePermissions = permissionsOfRole(row.role);
    const principal: Principal = {
      kind: 'apiKey',
      userId: row.user_id,
      email: row.email,
      role: row.role,
      // An org-bound key never acts outside its org, even if its row says otherwise.
      permissions: new Set(
        [...scopes].filter(
          (p) => rolePermissions.has(p) && (row.org_id === null || ORG_KEY_SCOPES.has(p)),
        ),
      ),
      scopes,
      emailVerified: row.email_verified_at !== null,
      sessionId: undefined,
      apiKeyId: row.id,
      orgId: row.org_id ?? undefined,
      authLevel: undefined,
      reauthenticatedAt: undefined,
    };
    return { principal };
  };
}
