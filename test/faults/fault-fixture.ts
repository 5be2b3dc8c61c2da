import { startSmtpCapture } from '../support/smtp-capture';
import { spawnServer, type SpawnedServer } from '../support/spawn-server';
import { TEST_PASSWORD } from '../support/sign-in-user';

/** Budgets high enough that load tests measure faults, not rate limits. */
export const UNLIMITED = {
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
  RATE_LIMIT_PRINCIPAL_PER_MINUTE: '1000000',
  RATE_LIMIT_READ_PER_MINUTE: '1000000',
  RATE_LIMIT_WRITE_PER_MINUTE: '1000000',
  RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
  MAX_CONCURRENT_PER_IP: '1000',
  // The load comes from one address (loopback): the per-address connection cap is not under test.
  MAX_CONNECTIONS_PER_IP: '10000',
  LOG_LEVEL: 'info',
};

export interface Tenant {
  readonly server: SpawnedServer;
  readonly cookie: string;
  readonly orgId: string;
  readonly apiKey: string;
  readonly apiKeyId: string;
}

/** A real server process, one signed-in user with an org and a read/write API key. */
export async function startTenant(env: Record<string, string>): Promise<Tenant> {
  // The verification link (an org and a key need a verified email) arrives here.
  const smtp = await startSmtpCapture();
  const server = await spawnServer(
    { ...UNLIMITED, SMTP_URL: smtp.url, ...env },
    { args: env.DATABASE_URL ? ['--migrate'] : [] },
  );
  void server.exited.then(() => smtp.close());
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, ...headers },
      body: JSON.stringify(body),
    });
  const credentials = { email: 'faults@example.com', password: TEST_PASSWORD };
  await post('auth.signUp', credentials);
  await post('auth.verifyEmail', { token: await smtp.tokenFor(credentials.email) });
  const signIn = await post('auth.signIn', credentials);
  const cookie = (signIn.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const org = (await (await post('orgs.create', { name: 'Faults' }, { cookie })).json()) as {
    result: { data: { id: string } };
  };
  const key = (await (
    await post(
      'apiKeys.create',
      {
        name: 'load',
        scopes: ['project:read', 'project:write'],
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
      { cookie },
    )
  ).json()) as { result: { data: { key: string; apiKey: { id: string } } } };
  return {
    server,
    cookie,
    orgId: org.result.data.id,
    apiKey: key.result.data.key,
    apiKeyId: key.result.data.apiKey.id,
  };
}

export interface Outcome {
  readonly status: number;
  readonly reason?: string;
  readonly name?: string;
  readonly error?: string;
}

/** Runs `workers` loops of `request` until `signal` aborts; returns every outcome. */
export async function load(
  workers: number,
  signal: AbortSignal,
  request: (i: number) => Promise<Outcome>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let i = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!signal.aborted) {
        try {
          outcomes.push(await request(i++));
        } catch (err) {
          outcomes.push({
            status: 0,
            error: (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message,
          });
        }
      }
    }),
  );
  return outcomes;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `condition` every 20 ms until it holds. The phases of a fault test
 * move on when something has happened (so many requests served, a log line
 * seen), not after a fixed sleep, so a slow machine only makes them longer.
 * `timeoutMs` is a hang guard, not a speed requirement.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
