import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

/**
 * A minimal OpenID provider on 127.0.0.1 whose ID tokens the test shapes: another audience,
 * an `iat` in the future, an expired token, another nonce, a foreign signing key, `alg: none`.
 * It answers discovery, JWKS, authorize (straight back with a code, `state` and `iss`) and
 * token. The real provider (oidc-provider) covers the honest protocol; this one, the forged
 * tokens a real provider would not issue.
 */
export interface ForgingProvider {
  readonly issuer: string;
  /** What the next ID token holds, from the claims a real one would (sub, aud, nonce, …). */
  forge(
    shape: (claims: JWTPayload) => JWTPayload,
    options?: { foreignKey?: boolean; algNone?: boolean },
  ): void;
  close(): Promise<void>;
}

export async function startForgingProvider(options: {
  clientId: string;
  redirectUri: string;
  subject: string;
  email: string;
}): Promise<ForgingProvider> {
  const keys = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let shape: (c: JWTPayload) => JWTPayload = (c) => c;
  let signing: { foreignKey?: boolean; algNone?: boolean } = {};
  const nonces = new Map<string, string>();
  let issuer = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      const json = (body: unknown): void => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/.well-known/openid-configuration') {
        return json({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          authorization_response_iss_parameter_supported: true,
        });
      }
      if (url.pathname === '/jwks') return json({ keys: [jwk] });
      if (url.pathname === '/authorize') {
        const code = `code-${nonces.size + 1}`;
        nonces.set(code, url.searchParams.get('nonce') ?? '');
        const back = new URL(options.redirectUri);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        back.searchParams.set('iss', issuer);
        res.statusCode = 302;
        res.setHeader('location', back.href);
        return res.end();
      }
      if (url.pathname === '/token') {
        const body = new URLSearchParams(
          await new Promise<string>((resolve) => {
            let text = '';
            req.on('data', (c: Buffer) => (text += c.toString()));
            req.on('end', () => resolve(text));
          }),
        );
        const now = Math.floor(Date.now() / 1000);
        const claims = shape({
          iss: issuer,
          sub: options.subject,
          aud: options.clientId,
          iat: now,
          exp: now + 300,
          nonce: nonces.get(body.get('code') ?? '') ?? '',
          email: options.email,
          email_verified: true,
        });
        let idToken: string;
        if (signing.algNone) {
          const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
          idToken = `${part({ alg: 'none' })}.${part(claims)}.`;
        } else {
          idToken = await new SignJWT(claims)
            .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
            .sign(signing.foreignKey ? foreign.privateKey : keys.privateKey);
        }
        return json({
          access_token: 'at',
          token_type: 'Bearer',
          expires_in: 300,
          id_token: idToken,
        });
      }
      res.statusCode = 404;
      res.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    forge: (next, opts = {}) => {
      shape = next;
      signing = opts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
