import type { Ok } from '@gatehouse/shared';
import { signInMethodsLeft } from '../account/sign-in-methods-left';
import { sql } from 'kysely';
import { consumeByHash } from '../email-sign-in/email-sign-in-queries';
import { boundBrowserHash } from '../http/browser-binding';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { deleteIdentity, listIdentities } from './identity-queries';
import { linkIdentity } from './provider-callback';
import type { ProviderClient } from './provider-clients';

type Caller = Context & { principal: Principal };

export async function listMyIdentities(
  ctx: Caller,
  clients: ReadonlyMap<string, ProviderClient>,
): Promise<{
  identities: {
    id: string;
    provider: string;
    providerName: string;
    email: string | null;
    createdAt: string;
    lastUsedAt: string | null;
  }[];
}> {
  const rows = await listIdentities(ctx.deps.db, ctx.principal.userId);
  return {
    identities: rows.map((r) => ({
      id: r.id,
      provider: r.provider,
      providerName: clients.get(r.provider)?.provider.name ?? r.provider,
      email: r.email,
      createdAt: new Date(r.created_at).toISOString(),
      lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
    })),
  };
}

/**
 * Links the identity a provider sign-in found for an address that already had an account,
 * now that the caller proved the account (a step-up session of that account, in the browser
 * the provider sent back: the pending link is bound to it and names the account). One use,
 * 10 minutes.
 */
export async function confirmLink(ctx: Caller): Promise<Ok> {
  const { deps, principal } = ctx;
  const browser = boundBrowserHash('idp', ctx.headers.cookie, ctx.secure);
  await deps.db.transaction().execute(async (trx) => {
    const pending = browser
      ? await trx
          .selectFrom('one_time_tokens')
          .select(['token_hash', 'data'])
          .where('user_id', '=', principal.userId)
          .where('purpose', '=', 'identity_link')
          .where('consumed_at', 'is', null)
          .where('expires_at', '>', sql<Date>`now()`)
          .where(sql<string>`data->>'browser'`, '=', browser)
          .orderBy('created_at', 'desc')
          .limit(1)
          .forUpdate()
          .executeTakeFirst()
      : undefined;
    if (!pending || !(await consumeByHash(trx, pending.token_hash)))
      throw new AppError('TOKEN_INVALID', {
        message:
          'No pending link for this account in this browser; sign in through the provider again',
      });
    const { provider, subject, email } = pending.data as {
      provider: string;
      subject: string;
      email: string;
    };
    await linkIdentity(
      ctx,
      principal.userId,
      provider,
      { subject, email, emailVerified: true, name: null },
      'proven',
      trx,
    );
  });
  return { ok: true };
}

/**
 * Unlinks one of the caller's identities (step-up). Refused when it is the last way to sign
 * in: no password of the account's own, no passkey and no other identity
 * (LAST_SIGN_IN_METHOD; account/sign-in-methods-left.ts).
 */
export async function unlinkIdentity(ctx: Caller, id: string): Promise<Ok> {
  const { deps, principal } = ctx;
  await deps.db.transaction().execute(async (trx) => {
    const left = await signInMethodsLeft(trx, principal.userId, { identityId: id });
    const identities = await listIdentities(trx, principal.userId);
    const target = identities.find((i) => i.id === id);
    if (!target) throw new AppError('NOT_FOUND', { message: 'No such linked identity' });
    if (left === 0)
      throw new AppError('LAST_SIGN_IN_METHOD', {
        message: 'This is your only way to sign in: set a password or link another first',
      });
    await deleteIdentity(trx, principal.userId, id);
    await ctx.audit.record(trx, 'identity.unlink', {
      target: { type: 'identity', id },
      details: { provider: target.provider },
    });
  });
  return { ok: true };
}
