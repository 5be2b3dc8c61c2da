import * as oidc from 'openid-client';
import { AppError } from '../pipeline/app-error';
import type { ProviderClient } from './provider-clients';

/** Who the provider says signed in. */
export interface ProviderIdentity {
  readonly subject: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly name: string | null;
}

/** An ID token issued later than this far in the future is refused (openid-client does not). */
const FUTURE_IAT_TOLERANCE_S = 60;

const refused = (why: string): AppError =>
  new AppError('IDP_RESPONSE_INVALID', {
    message: `The identity provider's answer was refused: ${why}`,
  });

/**
 * Redeems the code (openid-client checks `state`, the RFC 9207 `iss` parameter when the
 * provider sends or advertises it, PKCE, and the ID token: signature from the provider's
 * JWKS, `iss`, `aud`, `azp`, `exp`, `nonce`, an algorithm the provider advertises, never
 * `none`); then `iat` not in the future. GitHub (OAuth 2.0, no ID token): the numeric user id,
 * and the primary email only if GitHub marks it verified.
 */
export async function fetchProviderIdentity(
  client: ProviderClient,
  config: oidc.Configuration,
  callbackUrl: URL,
  checks: { state: string; nonce: string; verifier: string },
): Promise<ProviderIdentity> {
  const { provider } = client;
  const github = provider.type === 'github';
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: checks.verifier,
      expectedState: checks.state,
      ...(github ? {} : { expectedNonce: checks.nonce }),
      idTokenExpected: !github,
    });
  } catch (err) {
    const e = err as { code?: string; error?: string; cause?: { message?: string } };
    throw refused(e.error ?? e.cause?.message ?? e.code ?? 'invalid response');
  }
  if (github) return githubIdentity(client, config, tokens.access_token);
  const claims = tokens.claims();
  if (!claims) throw refused('no ID token');
  if (typeof claims.iat !== 'number' || claims.iat > Date.now() / 1000 + FUTURE_IAT_TOLERANCE_S)
    throw refused('the ID token is issued in the future');
  let email = typeof claims.email === 'string' ? claims.email : null;
  let verified = claims.email_verified === true;
  let name = typeof claims.name === 'string' ? claims.name : null;
  if (email === null) {
    const info = await oidc
      .fetchUserInfo(config, tokens.access_token, claims.sub)
      .catch(() => null);
    if (info && typeof info.email === 'string') {
      email = info.email;
      verified = info.email_verified === true;
      name ??= typeof info.name === 'string' ? info.name : null;
    }
  }
  return {
    subject: claims.sub,
    email: email?.toLowerCase() ?? null,
    emailVerified: verified,
    name,
  };
}

async function githubIdentity(
  client: ProviderClient,
  config: oidc.Configuration,
  accessToken: string,
): Promise<ProviderIdentity> {
  const api = client.provider.apiBase ?? 'https://api.github.com';
  const get = async (path: string): Promise<unknown> => {
    const res = await oidc.fetchProtectedResource(
      config,
      accessToken,
      new URL(`${api}${path}`),
      'GET',
      undefined,
      new Headers({ accept: 'application/vnd.github+json' }),
    );
    if (!res.ok) throw refused(`GitHub answered ${res.status} to ${path}`);
    return res.json();
  };
  const user = (await get('/user')) as { id?: unknown; name?: unknown };
  if (typeof user.id !== 'number' && typeof user.id !== 'string')
    throw refused('no GitHub user id');
  const emails = (await get('/user/emails')) as {
    email?: unknown;
    primary?: unknown;
    verified?: unknown;
  }[];
  const primary = Array.isArray(emails) ? emails.find((e) => e.primary === true) : undefined;
  const email = typeof primary?.email === 'string' ? primary.email.toLowerCase() : null;
  return {
    subject: String(user.id),
    email,
    emailVerified: email !== null && primary?.verified === true,
    name: typeof user.name === 'string' ? user.name : null,
  };
}
