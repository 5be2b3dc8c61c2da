import type { ApiKeyInfo, CreateApiKeyInput, Ok, Permission } from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import { actorOf } from '../pipeline/audit-sink';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import {
  findUserKey,
  insertKey,
  listUserKeys,
  revokeUserKey,
  rotateUserKey,
  type ApiKeyInfoRow,
} from './api-key-queries';
import { mintApiKey } from './api-key-token';
import { assertWithinCallerGrant } from './assert-within-caller-grant';
import { ORG_KEY_SCOPES } from './org-key-scopes';

type Authed = Context & { principal: Principal };

/** Recorded on the key: an org that requires two-factor accepts only keys minted from an MFA session. */
function passedMfa(principal: Principal): boolean {
  return principal.kind === 'session' && principal.authLevel === 'mfa';
}

export function toApiKeyInfo(row: ApiKeyInfoRow): ApiKeyInfo {
  const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes as Permission[],
    orgId: row.org_id,
    expiresAt: new Date(row.expires_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    rotationGraceUntil:
      row.previous_expires_at && new Date(row.previous_expires_at).getTime() > Date.now()
        ? iso(row.previous_expires_at)
        : null,
  };
}

/**
 * Issues a key whose scopes are a subset of the caller's own permissions,
 * expiring within API_KEY_MAX_DAYS, optionally bound to one of the caller's
 * orgs. The full key is returned once; only its id and SHA-256 are kept.
 */
export async function createApiKey(
  ctx: Authed,
  input: CreateApiKeyInput,
): Promise<{ key: string; apiKey: ApiKeyInfo }> {
  const { deps, principal } = ctx;
  const beyond = input.scopes.filter((s) => !principal.permissions.has(s));
  if (beyond.length > 0)
    throw new AppError('SCOPE_EXCEEDS_GRANT', { message: `You do not hold: ${beyond.join(', ')}` });
  if (input.orgId !== undefined) {
    const global = input.scopes.filter((s) => !ORG_KEY_SCOPES.has(s));
    if (global.length > 0)
      throw new AppError('VALIDATION_FAILED', {
        message: `A key bound to an organization acts only there; it cannot hold: ${global.join(', ')}`,
      });
  }
  const expiresAt = new Date(input.expiresAt);
  const max = Date.now() + deps.config.apiKeys.maxDays * 86_400_000;
  if (expiresAt.getTime() <= Date.now() || expiresAt.getTime() > max) {
    throw new AppError('VALIDATION_FAILED', {
      message: `expiresAt must be in the future and at most ${deps.config.apiKeys.maxDays} days ahead`,
    });
  }
  const minted = mintApiKey();
  const withMfa = passedMfa(principal);
  await deps.db.transaction().execute(async (trx) => {
    await assertWithinCallerGrant(
      trx,
      principal,
      { scopes: input.scopes, orgId: input.orgId ?? null },
      withMfa,
    );
    await insertKey(trx, {
      id: minted.id,
      userId: principal.userId,
      orgId: input.orgId ?? null,
      name: input.name,
      scopes: [...new Set(input.scopes)],
      secretHash: minted.secretHash,
      expiresAt,
      createdWithMfa: withMfa,
    });
    await deps.audit.append(trx, {
      action: 'api_key.create',
      actor: actorOf(principal),
      target: { type: 'api_key', id: minted.id },
      orgId: input.orgId,
      outcome: 'success',
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { scopes: input.scopes, expiresAt: input.expiresAt },
    });
  });
  const row = await findUserKey(deps.db, principal.userId, minted.id);
  if (!row) throw new AppError('INTERNAL');
  return { key: minted.key, apiKey: toApiKeyInfo(row) };
}

export async function listApiKeys(ctx: Authed): Promise<{ apiKeys: ApiKeyInfo[] }> {
  return { apiKeys: (await listUserKeys(ctx.deps.db, ctx.principal.userId)).map(toApiKeyInfo) };
}

/** Revokes the key at once; its live access tokens stop too (see oauth/token-revocations.ts). */
export async function revokeApiKey(ctx: Authed, id: string): Promise<Ok> {
  const { deps, principal } = ctx;
  await deps.db.transaction().execute(async (trx) => {
    if (!(await revokeUserKey(trx, principal.userId, id)))
      throw new AppError('NOT_FOUND', { message: 'No such API key' });
    await deps.audit.append(trx, {
      action: 'api_key.revoke',
      actor: actorOf(principal),
      target: { type: 'api_key', id },
      outcome: 'success',
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
  });
  // Its live JWTs stop here at once and on every instance through the revocation bus.
  await deps.tokenRevocations?.keysRevoked([id]);
  return { ok: true };
}

/**
 * A new secret for the same key id; the old secret works for `graceSeconds`
 * more (at most 7 days). The key's scopes and org must be within what the
 * caller holds now: a secret is a credential, and nobody mints one broader
 * than themselves (a former admin cannot rotate their old admin key).
 */
export async function rotateApiKey(
  ctx: Authed,
  id: string,
  graceSeconds: number,
): Promise<{ key: string; apiKey: ApiKeyInfo }> {
  const { deps, principal } = ctx;
  const minted = mintApiKey(id);
  const graceUntil = new Date(Date.now() + graceSeconds * 1000);
  const row = await deps.db.transaction().execute(async (trx) => {
    const target = await findUserKey(trx, principal.userId, id);
    if (!target || target.revoked_at !== null)
      throw new AppError('NOT_FOUND', { message: 'No such API key' });
    await assertWithinCallerGrant(
      trx,
      principal,
      { scopes: target.scopes, orgId: target.org_id },
      passedMfa(principal),
    );
    if (
      !(await rotateUserKey(
        trx,
        principal.userId,
        id,
        minted.secretHash,
        graceUntil,
        passedMfa(principal),
      ))
    )
      throw new AppError('NOT_FOUND', { message: 'No such API key' });
    await deps.audit.append(trx, {
      action: 'api_key.rotate',
      actor: actorOf(principal),
      target: { type: 'api_key', id },
      outcome: 'success',
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { graceSeconds },
    });
    return findUserKey(trx, principal.userId, id);
  });
  if (!row) throw new AppError('INTERNAL');
  return { key: minted.key, apiKey: toApiKeyInfo(row) };
}
