import { randomBytes } from 'node:crypto';
import { benchMail } from '../lib/bench-mail';

/**
 * One signed-in user with an org of 25 projects and a read/write API key, seeded over HTTP once per
 * run.
 */
export interface SeededTenant {
  readonly cookie: string;
  readonly userId: string;
  readonly orgId: string;
  readonly apiKey: string;
  readonly apiKeyId: string;
}

const seeded = new Map<string, Promise<SeededTenant>>();

export function seedTenant(url: string): Promise<SeededTenant> {
  let tenant = seeded.get(url);
  if (!tenant) {
    tenant = seed(url);
    seeded.set(url, tenant);
  }
  return tenant;
}

async function seed(url: string): Promise<SeededTenant> {
  const post = async <T>(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ data: T; res: Response }> => {
    const res = await fetch(`${url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, ...headers },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { result?: { data: T }; error?: unknown };
    if (!json.result) throw new Error(`${path}: ${JSON.stringify(json.error)}`);
    return { data: json.result.data, res };
  };
  const credentials = {
    email: `bench-${randomBytes(4).toString('hex')}@example.com`,
    password: 'a long benchmark passphrase',
  };
  await post('auth.signUp', credentials);
  // Orgs and keys need a verified address: follow the link the server mailed.
  const token = await (await benchMail()).tokenFor(credentials.email, 30_000);
  await post('auth.verifyEmail', { token });
  const { res } = await post('auth.signIn', credentials);
  const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const org = await post<{ id: string }>('orgs.create', { name: 'Bench' }, { cookie });
  const key = await post<{ key: string; apiKey: { id: string } }>(
    'apiKeys.create',
    {
      name: 'bench',
      scopes: ['project:read', 'project:write'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
    { cookie },
  );
  for (let i = 0; i < 25; i++)
    await post(
      'projects.create',
      { orgId: org.data.id, name: `project ${i}` },
      { authorization: `Bearer ${key.data.key}` },
    );
  const me = await fetch(`${url}/trpc/auth.me`, { headers: { cookie } });
  const userId = ((await me.json()) as { result: { data: { user: { id: string } } } }).result.data
    .user.id;
  return {
    cookie,
    userId,
    orgId: org.data.id,
    apiKey: key.data.key,
    apiKeyId: key.data.apiKey.id,
  };
}
