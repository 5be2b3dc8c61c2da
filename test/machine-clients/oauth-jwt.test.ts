import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  createLocalJWKSet,
  decodeJwt,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGatehouseClient } from '@gatehouse/client';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

const run = promisify(execFile);

describe.each(DATABASE_KINDS)('OAuth client credentials and JWT access tokens (%s)', (kind) => {
  let cast: TwoOrgs;
  let key: string;
  let keyId: string;
  const t = useTestApp({ kind });
  beforeAll(async () => {
    cast = await twoOrgs(t, 'jwt');
    const created = await cast.alice.trpc.apiKeys.create.mutate({
      name: 'ci',
      scopes: ['project:read', 'project:write'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      orgId: cast.orgA,
    });
    key = created.key;
    keyId = created.apiKey.id;
  });

  const token = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body).toString(),
    });
  const basic = (id: string, secret: string) => {
    const pair = `${encodeURIComponent(id)}:${encodeURIComponent(secret)}`;
    return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
  };
  const list = (bearer: string) => {
    const input = encodeURIComponent(JSON.stringify({ orgId: cast.orgA }));
    return fetch(`${t.url}/trpc/projects.list?input=${input}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
  };
  const reason = async (res: Response) =>
    ((await res.json()) as { error: { data: { reason: string } } }).error.data.reason;

  async function accessToken(scope?: string): Promise<string> {
    const res = await token(
      { grant_type: 'client_credentials', ...(scope ? { scope } : {}) },
      basic(keyId, key),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as {
      access_token: string;
      token_type: string;
      expires_in: number;
      scope: string;
    };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBeLessThanOrEqual(900);
    return body.access_token;
  }

  it('issues an RFC 9068 JWT that jose verifies against the JWKS, and calls the API', async () => {
    const jwt = await accessToken();
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    expect(
      jwks.keys.every(
        (k) => k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.kid === 'string' && !('d' in k),
      ),
    ).toBe(true);
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(payload).toMatchObject({
      sub: cast.alice.userId,
      client_id: keyId,
      scope: 'project:read project:write',
      org_id: cast.orgA,
    });
    for (const claim of ['iss', 'aud', 'exp', 'iat', 'jti']) expect(payload).toHaveProperty(claim);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(900);
    const res = await list(jwt);
    expect(res.status).toBe(200);
  });

  it('accepts credentials in the body too, narrows scope on request, refuses more', async () => {
    const res = await token({
      grant_type: 'client_credentials',
      client_id: keyId,
      client_secret: key,
      scope: 'project:read',
    });
    expect(res.status).toBe(200);
    const narrow = ((await res.json()) as { access_token: string }).access_token;
    expect(decodeJwt(narrow).scope).toBe('project:read');
    const write = await fetch(`${t.url}/trpc/projects.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${narrow}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orgId: cast.orgA, name: 'nope' }),
    });
    expect(write.status).toBe(403);
    const tooMuch = await token(
      { grant_type: 'client_credentials', scope: 'user:manage' },
      basic(keyId, key),
    );
    expect(tooMuch.status).toBe(400);
    expect(((await tooMuch.json()) as { error: string }).error).toBe('invalid_scope');
  });

  it('answers RFC 6749 §5.2 errors', async () => {
    const bad = await token(
      { grant_type: 'client_credentials' },
      basic(keyId, `${key.slice(0, -1)}x`),
    );
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_client');
    const grant = await token({ grant_type: 'password' }, basic(keyId, key));
    expect(((await grant.json()) as { error: string }).error).toBe('unsupported_grant_type');
    const json = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
  });

  it('refuses forged tokens: none, HS256, unknown kid, aud, expired, tampered', async () => {
    const good = await accessToken();
    const [h, p, s] = good.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const pub = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const { privateKey: strangerKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const everyScope = 'project:read project:write user:manage audit:read';
    const forged = [
      `${enc({ alg: 'none', typ: 'at+jwt', kid: header.kid })}.${p}.`,
      await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: String(header.kid) })
        .sign(pub),
      await new SignJWT(payload)
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'not-a-real-kid' })
        .sign(strangerKey),
      await new SignJWT(payload)
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: String(header.kid) })
        .sign(strangerKey),
      `${h}.${enc({ ...payload, scope: everyScope })}.${s}`,
      `${h}.${enc({ ...payload, aud: 'https://other.example/api' })}.${s}`,
      `${h}.${enc({ ...payload, exp: Math.floor(Date.now() / 1000) - 120 })}.${s}`,
    ];
    for (const jwt of forged) {
      const res = await list(jwt);
      expect(res.status).toBe(401);
      expect(await reason(res)).toBe('JWT_INVALID');
    }
    expect((await list(good)).status).toBe(200);
  });

  it('also refuses HS256 with the raw public key bytes, and tokens of the wrong type', async () => {
    const good = await accessToken();
    const payload = decodeJwt(good);
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const jwk = jwks.keys[0] as { kid: string; x: string };
    const raw = Buffer.from(jwk.x, 'base64url');
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const [, claims, signature] = good.split('.') as [string, string, string];
    const forged = [
      await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid })
        .sign(raw),
      await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid })
        .sign(new TextEncoder().encode(jwk.x)),
      `${enc({ alg: 'none', kid: jwk.kid })}.${claims}.`,
      `${enc({ alg: 'EdDSA', typ: 'JWT', kid: jwk.kid })}.${claims}.${signature}`,
    ];
    for (const jwt of forged) {
      const res = await list(jwt);
      expect(res.status).toBe(401);
      expect(await reason(res)).toBe('JWT_INVALID');
    }
  });

  async function freshClient(
    scopes: ('project:read' | 'project:write')[] = ['project:read'],
  ): Promise<{ id: string; key: string; jwt: string }> {
    const created = await cast.alice.trpc.apiKeys.create.mutate({
      name: 'short',
      scopes,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      orgId: cast.orgA,
    });
    const res = await token(
      { grant_type: 'client_credentials' },
      basic(created.apiKey.id, created.key),
    );
    expect(res.status).toBe(200);
    return {
      id: created.apiKey.id,
      key: created.key,
      jwt: ((await res.json()) as { access_token: string }).access_token,
    };
  }

  it('revoking a key stops its live access tokens at once, and new ones are refused', async () => {
    const c = await freshClient();
    expect((await list(c.jwt)).status).toBe(200);
    await cast.alice.trpc.apiKeys.revoke.mutate({ id: c.id });
    const res = await list(c.jwt);
    expect(res.status).toBe(401);
    expect(await reason(res)).toBe('JWT_INVALID');
    const denied = await t.database.handle.db
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'details'])
      .where('actor_id', '=', c.id)
      .where('action', '=', 'api_key.use')
      .execute();
    expect(denied).toEqual([expect.objectContaining({ outcome: 'denied' })]);
    expect(JSON.stringify(denied)).not.toContain(c.jwt.split('.')[2]);
    const again = await token({ grant_type: 'client_credentials' }, basic(c.id, c.key));
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('a key revoked or owner locked elsewhere stops live tokens on the next refresh', async () => {
    const revocations = t.app.deps.tokenRevocations;
    if (!revocations) throw new Error('tokenRevocations is not wired');
    const c = await freshClient();
    expect((await list(c.jwt)).status).toBe(200);
    // What another instance would have written: this one learns it from the database, at the
    // latest on its next refresh (a 5 s timer also runs one, so the test does not ask whether
    // a request between the write and the refresh still passes: that is scheduling).
    await t.database.handle.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', c.id)
      .execute();
    await revocations.refresh();
    expect((await list(c.jwt)).status).toBe(401);

    const d = await freshClient();
    // The lock must fall after the token's iat second.
    await new Promise((r) => setTimeout(r, 1_100));
    await t.database.handle.db
      .updateTable('users')
      .set({ locked_at: new Date() })
      .where('id', '=', cast.alice.userId)
      .execute();
    await revocations.refresh();
    expect(await reason(await list(d.jwt))).toBe('JWT_INVALID');
    await t.database.handle.db
      .updateTable('users')
      .set({ locked_at: null })
      .where('id', '=', cast.alice.userId)
      .execute();
    await revocations.refresh();
    // Unlocked: tokens issued before the lock stay dead, new ones (from the next second on) work.
    expect((await list(d.jwt)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1_100));
    const res = await token({ grant_type: 'client_credentials' }, basic(d.id, d.key));
    expect((await list(((await res.json()) as { access_token: string }).access_token)).status).toBe(
      200,
    );
  });

  it('a token never outlives its key', async () => {
    const created = await cast.alice.trpc.apiKeys.create.mutate({
      name: 'brief',
      scopes: ['project:read'],
      expiresAt: new Date(Date.now() + 120_000).toISOString(),
    });
    const res = await token(
      { grant_type: 'client_credentials' },
      basic(created.apiKey.id, created.key),
    );
    const body = (await res.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBeLessThanOrEqual(120);
    const claims = decodeJwt(body.access_token);
    expect((claims.exp ?? 0) * 1000).toBeLessThanOrEqual(
      new Date(created.apiKey.expiresAt).getTime(),
    );
  });

  it('refuses repeated parameters, and Basic with body credentials (invalid_request)', async () => {
    const twice = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(keyId, key) },
      body: 'grant_type=client_credentials&scope=project:read&scope=project:write',
    });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { error: string }).error).toBe('invalid_request');
    const both = await token(
      { grant_type: 'client_credentials', client_id: keyId, client_secret: key },
      basic(keyId, key),
    );
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: string }).error).toBe('invalid_request');
    const missing = await token({ grant_type: 'client_credentials' });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: string }).error).toBe('invalid_client');
    const mismatched = await token({
      grant_type: 'client_credentials',
      client_id: 'aaaaaaaaaaaaaaaa',
      client_secret: key,
    });
    expect(((await mismatched.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('the client SDK fetches, caches and uses client-credentials tokens', async () => {
    const client = createGatehouseClient({
      url: t.url,
      credentials: { clientCredentials: { clientId: keyId, clientSecret: key } },
    });
    const page = await client.projects.list.query({ orgId: cast.orgA });
    expect(page.projects.map((p) => p.name)).toContain('alpha');
  });

  it('a Python standard-library script gets a token and calls projects.list with it', async () => {
    const script = `
import base64, json, sys, urllib.parse, urllib.request
base, key_id, key, org = sys.argv[1:5]
auth = base64.b64encode(
    (urllib.parse.quote(key_id, safe="") + ":" + urllib.parse.quote(key, safe="")).encode()
).decode()
req = urllib.request.Request(base + "/oauth/token", data=b"grant_type=client_credentials",
                             headers={"Authorization": "Basic " + auth,
                                      "Content-Type": "application/x-www-form-urlencoded"})
token = json.load(urllib.request.urlopen(req))["access_token"]
url = base + "/trpc/projects.list?input=" + urllib.parse.quote(json.dumps({"orgId": org}))
data = json.load(urllib.request.urlopen(
    urllib.request.Request(url, headers={"Authorization": "Bearer " + token})))
print(",".join(p["name"] for p in data["result"]["data"]["projects"]))
`;
    const { stdout } = await run('python3', ['-c', script, t.url, keyId, key, cast.orgA]);
    expect(stdout.trim()).toContain('alpha');
  });
});
