import type { ApiKeyInfo, CreateApiKeyInput, Ok } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { securityNoticeMails } from '../account/security-notice-mails';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import type { Principal } from '../pipeline/principal';
import { assertExpiryAllowed, assertRequestableScopes, passedMfa } from './api-key-policy';
import {
  findUserKey,
  insertKey,
  listUserKeys,
  revokeUserKey,
  rotateUserKey,
} from './api-key-queries';
import { mintApiKey } from './api-key-token';
import { assertWithinCallerGrant } from './assert-within-caller-grant';
import { toApiKeyInfo } from './to-api-key-info';

/** What managing the caller's keys needs: the caller, the recorder and three deps. */
export interface ApiKeyContext {
  readonly principal: Principal;
  readonly audit: RequestAudit;
  readonly deps: Pick<
    AppDeps,
    'db' | 'config' | 'tokenRevocations' | 'apiKeysChanged' | 'keyRing' | 'mailCap' | 'outbox'
  >;
}

/** A key just minted: the full secret (shown once) and its public view. */
export interface MintedKey {
  readonly key: string;
  readonly apiKey: ApiKeyInfo;
}

const NOT_FOUND = (): AppError => new AppError('NOT_FOUND', { message: 'No such API key' });

/**
 * Issues a key whose scopes are a subset of the caller's own permissions,
 * expiring within API_KEY_MAX_DAYS, optionally bound to one of the caller's
 * orgs. The full key is returned once; only its id and SHA-256 are kept.
 */
export async function createApiKey(
  ctx: ApiKeyContext,
  input: CreateApiKeyInput,
): Promise<MintedKey> {
  const { deps, principal } = ctx;
  assertRequestableScopes(principal, input.scopes, input.orgId);
  const expiresAt = new Date(input.expiresAt);
  assertExpiryAllowed(expiresAt, deps.config.apiKeys.maxDays, Date.now());
  const minted = mintApiKey();
  const withMfa = passedMfa(principal);
  const orgId = input.orgId ?? null;
  await deps.db.transaction().execute(async (trx) => {
    await assertWithinCallerGrant(trx, principal, { scopes: input.scopes, orgId }, withMfa);
    await insertKey(trx, {
      id: minted.id,
      userId: principal.userId,
      orgId,
      name: input.name,
      scopes: [...new Set(input.scopes)],
      secretHash: minted.secretHash,
      expiresAt,
      createdWithMfa: withMfa,
      createdVia: principal.authMethod ?? 'password',
    });
    // The row belongs to the key's org when it is bound to one.
    const audit = input.orgId !== undefined ? ctx.audit.inOrg(input.orgId) : ctx.audit;
    await audit.record(trx, 'api_key.create', {
      target: { type: 'api_key', id: minted.id },
      details: { scopes: input.scopes, expiresAt: input.expiresAt },
    });
    const notice = { id: minted.id, name: input.name, expiresAt: input.expiresAt };
    await enqueueMail(
      trx,
      deps,
      'api_key_created',
      securityNoticeMails.apiKeyCreated(principal.email, notice),
    );
  });
  deps.outbox.kick();
  const row = await findUserKey(deps.db, principal.userId, minted.id);
  if (!row) throw new AppError('INTERNAL');
  return { key: minted.key, apiKey: toApiKeyInfo(row) };
}

export async function listApiKeys(ctx: ApiKeyContext): Promise<{ apiKeys: ApiKeyInfo[] }> {
  return { apiKeys: (await listUserKeys(ctx.deps.db, ctx.principal.userId)).map(toApiKeyInfo) };
}

/** Revokes the key at once; its live access tokens stop too (see oauth/token-revocations.ts). */
export async function revokeApiKey(ctx: ApiKeyContext, id: string): Promise<Ok> {
  const { deps, principal } = ctx;
  await deps.db.transaction().execute(async (trx) => {
    if (!(await revokeUserKey(trx, principal.userId, id))) throw NOT_FOUND();
    await ctx.audit.record(trx, 'api_key.revoke', { target: { type: 'api_key', id } });
  });
  // Its live JWTs and cached copies stop here at once and on every instance through the bus.
  await deps.tokenRevocations?.keysRevoked([id]);
  await deps.apiKeysChanged([id]);
  return { ok: true };
}

/**
 * A new secret for the same key id; the old secret works for `graceSeconds`
 * more (at most 7 days). The key's scopes and org must be within what the
 * caller holds now: a secret is a credential, and nobody mints one broader
 * than themselves (a former admin cannot rotate their old admin key).
 */
export async function rotateApiKey(
  ctx: ApiKeyContext,
  id: string,
  graceSeconds: number,
): Promise<MintedKey> {
  const { deps, principal } = ctx;
  const minted = mintApiKey(id);
  const graceUntil = new Date(Date.now() + graceSeconds * 1000);
  const withMfa = passedMfa(principal);
  const row = await deps.db.transaction().execute(async (trx) => {
    const target = await findUserKey(trx, principal.userId, id);
    if (!target || target.revoked_at !== null) throw NOT_FOUND();
    const key = { scopes: target.scopes, orgId: target.org_id };
    await assertWithinCallerGrant(trx, principal, key, withMfa);
    const rotated = await rotateUserKey(
      trx,
      principal.userId,
      id,
      minted.secretHash,
      graceUntil,
      withMfa,
      principal.authMethod ?? 'password',
    );
    if (!rotated) throw NOT_FOUND();
    await ctx.audit.record(trx, 'api_key.rotate', {
      target: { type: 'api_key', id },
      details: { graceSeconds },
    });
    return findUserKey(trx, principal.userId, id);
  });
  if (!row) throw new AppError('INTERNAL');
  // Cached copies hold the old secret hashes: every instance reads the key again.
  await deps.apiKeysChanged([id]);
  return { key: minted.key, apiKey: toApiKeyInfo(row) };
}
