import * as oidc from 'openid-client';
import { createOneTimeToken } from '../auth/one-time-tokens';
import { bindBrowser } from '../http/browser-binding';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { ProviderClient } from './provider-clients';
import { safeReturnTo } from './return-to';

/** The whole round trip through the provider must finish within this. */
export const PROVIDER_FLOW_TTL_MS = 10 * 60_000;

/** Associated data of the sealed PKCE verifier: bound to the provider and the browser. */
export const verifierAad = (provider: string, browser: string): string =>
  `idp-verifier:${provider}:${browser}`;

/** What the state token carries (one_time_tokens.data), besides the user for a link. */
export interface ProviderFlowData {
  readonly provider: string;
  readonly browser: string;
  readonly nonce: string;
  /** The PKCE verifier, sealed with the key ring (it is a secret until the code is used). */
  readonly verifier: string;
  readonly returnTo: string;
  readonly intent: 'sign_in' | 'link';
}

export function providerOf(
  clients: ReadonlyMap<string, ProviderClient>,
  id: string,
): ProviderClient {
  const client = clients.get(id);
  if (!client) throw new AppError('NOT_FOUND', { message: 'No such identity provider' });
  return client;
}

/**
 * Starts the authorization code flow: PKCE (S256), a `state` that is a 256-bit single-use
 * token (only its SHA-256 stored, 10 minutes) and a `nonce`, bound to this browser by a
 * short-lived HttpOnly cookie. `intent: 'link'` (from settings, with step-up) links the
 * identity to the signed-in caller instead of signing in. Returns the provider's URL for a
 * top-level navigation.
 */
export async function startProviderFlow(
  ctx: Context,
  client: ProviderClient,
  options: { returnTo: string | undefined; intent: 'sign_in' | 'link'; userId: string | null },
): Promise<{ authorizationUrl: string }> {
  const { deps } = ctx;
  const { provider } = client;
  let config: oidc.Configuration;
  try {
    config = await client.configuration();
  } catch (err) {
    ctx.log.warn(
      { err: { message: (err as Error).message }, provider: provider.id },
      'idp discovery failed',
    );
    throw new AppError('SERVICE_UNAVAILABLE', {
      message: 'The identity provider cannot be reached; try again shortly',
      retryAfterSeconds: 5,
    });
  }
  const binding = bindBrowser('idp', ctx.secure, PROVIDER_FLOW_TTL_MS / 1000);
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const data: ProviderFlowData = {
    provider: provider.id,
    browser: binding.hash,
    nonce,
    verifier: deps.keyRing.encrypt(verifier, verifierAad(provider.id, binding.hash)),
    returnTo: safeReturnTo(options.returnTo),
    intent: options.intent,
  };
  const state = await createOneTimeToken(
    deps.db,
    'oauth_state',
    options.userId,
    PROVIDER_FLOW_TTL_MS,
    { ...data },
  );
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: provider.redirectUri,
    scope: provider.scopes.join(' '),
    state,
    ...(provider.type === 'github' ? {} : { nonce }),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  ctx.response.appendCookie(binding.cookie);
  return { authorizationUrl: url.href };
}
