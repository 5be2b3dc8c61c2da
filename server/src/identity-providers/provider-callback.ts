import type { ProviderCallbackInput, ProviderCallbackResult } from '@gatehouse/shared';
import { refuseLockedSignIn } from '../auth/refuse-locked-sign-in';
import { NO_PASSWORD_HASH } from '../admin/no-password-hash';
import { issueSession } from '../auth/issue-session';
import { consumeOneTimeToken, createOneTimeToken, peekOneTimeToken } from '../auth/one-time-tokens';
import { findUserByEmail, findUserById, insertUser } from '../auth/user-queries';
import { bindBrowser, boundBrowserHash, clearBinding } from '../http/browser-binding';
import { startMfaChallenge } from '../mfa/mfa-challenge';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import { fetchProviderIdentity, type ProviderIdentity } from './fetch-provider-identity';
import { findIdentity, insertIdentity, touchIdentity } from './identity-queries';
import type { ProviderClient } from './provider-clients';
import { PROVIDER_FLOW_TTL_MS, verifierAad, type ProviderFlowData } from './start-provider-sign-in';

const STATE_INVALID = (): AppError =>
  new AppError('IDP_STATE_INVALID', {
    message: 'This sign-in was not started here, was used already, or expired; start again',
  });

/**
 * The provider sent the browser back. In order: the `state` must be a live token started by
 * this browser (its binding cookie) for this provider (a state minted for one provider is
 * refused at another's callback: mix-up), and is used up here, once; then the code is
 * redeemed and the identity checked (fetch-provider-identity.ts); the email domain must be
 * allowed; then the account is resolved:
 *
 * - an identity already linked signs in its account (or, for a link, must be the caller's);
 * - a link (`intent: 'link'`, started from settings with step-up) links it to the caller;
 * - a provider that does not vouch for the email signs in nobody new (IDP_EMAIL_UNVERIFIED);
 * - a verified email that an account already has is never linked silently (account
 *   pre-hijacking): the answer is `link_required`, and a pending link bound to this browser
 *   for 10 minutes waits for the owner to prove the account and confirm it here
 *   (`account.identities.confirmLink`, step-up);
 * - a verified email with no account creates one (no password; verified) and links it.
 */
export async function providerCallback(
  ctx: Context,
  client: ProviderClient,
  input: ProviderCallbackInput,
): Promise<ProviderCallbackResult> {
  const { deps } = ctx;
  const { provider } = client;
  const params = new URLSearchParams(
    input.search.startsWith('?') ? input.search.slice(1) : input.search,
  );
  const state = params.get('state');
  if (!state || !/^[A-Za-z0-9_-]{43}$/.test(state)) throw STATE_INVALID();
  const live = await peekOneTimeToken(deps.db, 'oauth_state', state);
  if (!live.ok) throw STATE_INVALID();
  const flow = live.data as unknown as ProviderFlowData;
  const browser = boundBrowserHash('idp', ctx.headers.cookie, ctx.secure);
  if (flow.provider !== provider.id || browser === null || browser !== flow.browser)
    throw STATE_INVALID();
  const used = await deps.db
    .transaction()
    .execute((trx) => consumeOneTimeToken(trx, 'oauth_state', state));
  if (!used.ok) throw STATE_INVALID();
  ctx.response.appendCookie(clearBinding('idp', ctx.secure));

  const callbackUrl = new URL(provider.redirectUri);
  callbackUrl.search = params.toString();
  const identity = await fetchProviderIdentity(client, await client.configuration(), callbackUrl, {
    state,
    nonce: flow.nonce,
    verifier: deps.keyRing.decrypt(flow.verifier, verifierAad(provider.id, flow.browser)),
  });
  const domain = identity.email?.split('@')[1] ?? '';
  if (provider.allowedDomains.length > 0 && !provider.allowedDomains.includes(domain)) {
    throw new AppError('IDP_EMAIL_DOMAIN_REFUSED', {
      message:
        `Sign-in through ${provider.name} is open to ` +
        `${provider.allowedDomains.join(', ')} addresses only`,
    });
  }
  const returnTo = flow.returnTo;

  const existing = await findIdentity(deps.db, provider.id, identity.subject);
  if (flow.intent === 'link') {
    const userId = used.userId;
    if (userId === null) throw STATE_INVALID();
    if (existing && existing.user_id !== userId)
      throw new AppError('IDENTITY_ALREADY_LINKED', {
        message: 'That identity signs in another account',
      });
    if (!existing) await link(ctx, userId, provider.id, identity, 'settings');
    return { status: 'linked', returnTo };
  }
  if (existing) {
    await touchIdentity(deps.db, existing.id, identity);
    return { ...(await signInLinked(ctx, existing.user_id, provider.id)), returnTo };
  }
  if (!identity.email || !identity.emailVerified) {
    throw new AppError('IDP_EMAIL_UNVERIFIED', {
      message: `${provider.name} does not vouch for an email address of this identity`,
    });
  }
  const holder = await findUserByEmail(deps.db, identity.email);
  if (holder) {
    // The pending link is bound to this browser (a new binding cookie) and names the account;
    // its token is never shown: only the owner's step-up session in this browser redeems it.
    const binding = bindBrowser('idp', ctx.secure, PROVIDER_FLOW_TTL_MS / 1000);
    await createOneTimeToken(deps.db, 'identity_link', holder.id, PROVIDER_FLOW_TTL_MS, {
      provider: provider.id,
      subject: identity.subject,
      email: identity.email,
      browser: binding.hash,
    });
    ctx.response.appendCookie(binding.cookie);
    return { status: 'link_required', email: identity.email, returnTo };
  }
  const created = await deps.db.transaction().execute(async (trx) => {
    const user = await insertUser(trx, {
      email: identity.email as string,
      name: identity.name?.slice(0, 100) ?? null,
      passwordHash: NO_PASSWORD_HASH,
    });
    if (!user) return undefined;
    await trx
      .updateTable('users')
      .set({ email_verified_at: new Date() })
      .where('id', '=', user.id)
      .execute();
    const self = { type: 'user', id: user.id } as const;
    await ctx.audit.record(trx, 'auth.sign_up', {
      actor: self,
      target: self,
      details: { method: `idp:${provider.id}` },
    });
    await link(ctx, user.id, provider.id, identity, 'sign_up', trx);
    return user.id;
  });
  // Registered meanwhile by someone else: the same rule as an existing account.
  if (!created) throw STATE_INVALID();
  return { ...(await signInLinked(ctx, created, provider.id)), returnTo };
}

async function link(
  ctx: Context,
  userId: string,
  provider: string,
  identity: ProviderIdentity,
  cause: 'settings' | 'sign_up' | 'proven',
  db: Parameters<typeof insertIdentity>[0] = ctx.deps.db,
): Promise<void> {
  const row = await insertIdentity(db, {
    userId,
    provider,
    subject: identity.subject,
    email: identity.email,
    emailVerified: identity.emailVerified,
  });
  if (!row)
    throw new AppError('IDENTITY_ALREADY_LINKED', { message: 'That identity is linked already' });
  const owner = { type: 'user', id: userId } as const;
  await ctx.audit.record(db, 'identity.link', {
    actor: owner,
    target: { type: 'identity', id: row.id },
    details: { provider, cause },
  });
}

/** Signs in the account an identity is linked to: lock checks, then MFA or a session. */
async function signInLinked(
  ctx: Context,
  userId: string,
  provider: string,
): Promise<
  Awaited<ReturnType<typeof issueSession>> | Awaited<ReturnType<typeof startMfaChallenge>>
> {
  const user = await findUserById(ctx.deps.db, userId);
  if (!user) throw STATE_INVALID();
  await refuseLockedSignIn(ctx, user, `idp:${provider}`);
  if (user.mfa_enabled_at !== null) return startMfaChallenge(ctx, user.id, `idp:${provider}`);
  return issueSession(ctx, user, 'password', `idp:${provider}`);
}

export { link as linkIdentity };
