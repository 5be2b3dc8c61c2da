import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/** A person the test provider can sign in. */
export interface TestAccount {
  readonly email: string;
  readonly email_verified: boolean;
  readonly name?: string;
}

export interface OidcTestProvider {
  readonly issuer: string;
  /** Who the next interaction signs in (the provider's own login step, done headlessly). */
  signInAs(sub: string): void;
  /** Follows the provider's redirects like a browser; returns the callback's `search`. */
  walk(authorizationUrl: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * oidc-provider (the certified Node OpenID provider) on 127.0.0.1, with one confidential
 * client, PKCE required for it, and login and consent answered headlessly for the account
 * the test names. Real discovery, JWKS, ID tokens, `iss` in the authorization response.
 */
export async function startOidcTestProvider(options: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: Readonly<Record<string, TestAccount>>;
}): Promise<OidcTestProvider> {
  const holder: { provider?: Provider } = {};
  let next = Object.keys(options.accounts)[0] ?? '';
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const op = holder.provider as Provider;
    if (!/^\/interaction\/[\w-]+$/.test(req.url ?? '')) {
      await op.callback()(req, res);
      return;
    }
    try {
      const details = await op.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        await op.interactionFinished(
          req,
          res,
          { login: { accountId: next } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const grant = details.grantId
        ? await op.Grant.find(details.grantId)
        : new op.Grant({
            accountId: details.session?.accountId ?? next,
            clientId: String(details.params.client_id),
          });
      if (!grant) throw new Error('no grant');
      const missing = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const grantId = await grant.save();
      await op.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), kid: 'op-1', alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    jwks: { keys: [signing] },
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [options.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const account = options.accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...account }) };
    },
    cookies: { keys: ['oidc test provider cookie key'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
  });
  holder.provider = provider;
  return {
    issuer,
    signInAs: (sub) => {
      next = sub;
    },
    walk: (url) => walkRedirects(url, options.redirectUri),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A fetch-based browser: follows redirects with the provider's cookies until the callback. */
export async function walkRedirects(start: string, redirectUri: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = start;
  for (let i = 0; i < 12; i++) {
    if (url.startsWith(redirectUri)) return new URL(url).search;
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`no redirect at ${url}: ${res.status} ${await res.text()}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}
