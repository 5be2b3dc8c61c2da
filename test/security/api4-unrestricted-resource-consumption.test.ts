// OWASP API4:2023 Unrestricted Resource Consumption — batches, bodies, pages, request rates.
import { connect, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

describe('API4 unrestricted resource consumption', () => {
  let cast: TwoOrgs;
  const t = useTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: '200' } });
  beforeAll(async () => {
    cast = await twoOrgs(t, 'api4');
  });
  const reason = async (res: Response) =>
    ((await res.json()) as { error: { data: { reason: string } } }).error.data.reason;

  it('an oversized batch is refused before any call runs, counting empty segments', async () => {
    const res = await fetch(`${t.url}/trpc/${'system.version,'.repeat(30)}system.version?batch=1`);
    expect(res.status).toBe(400);
    expect(await reason(res)).toBe('BATCH_TOO_LARGE');
  });

  it('a body over the limit is refused with 413', async () => {
    const res = await fetch(`${t.url}/trpc/auth.signUp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(2_000_000) }),
    });
    expect(res.status).toBe(413);
  });

  it('a page larger than 100 is refused', async () => {
    expect(
      await refusal(cast.alice.trpc.projects.list.query({ orgId: cast.orgA, limit: 1000 })),
    ).toMatchObject({ reason: 'VALIDATION_FAILED' });
  });

  it('a flood from one address is cut off with 429 and Retry-After', async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 400 && !limited; i++) {
      const res = await fetch(`${t.url}/trpc/system.version`);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited ? await reason(limited) : '').toBe('RATE_LIMITED');
  });
});

// On PostgreSQL a sign-in's database reads are real I/O, so a burst is all
// parsed before the first sign-in reaches argon2: the case a front door that
// only looked at the hasher's queue let through.
describe.each(DATABASE_KINDS)(
  'API4 unrestricted resource consumption: a sign-in flood (%s)',
  (kind) => {
    const t = useTestApp({
      kind,
      env: {
        ARGON2_CONCURRENCY: '1',
        LOGIN_MAX_FAILURES_PER_IP: '10000',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '10000',
        METRICS_TOKEN: METRICS_TOKEN,
      },
    });
    const audited = async () =>
      (
        await t.database.handle.db
          .selectFrom('audit_events')
          .select('id')
          .where('action', '=', 'auth.sign_in')
          .execute()
      ).length;
    const hashingRefusals = async () => {
      const text = await (
        await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      ).text();
      return Number(
        /^gatehouse_rate_limit_rejections_total\{class="password_hashing"\} (\d+)/m.exec(
          text,
        )?.[1] ?? 0,
      );
    };
    const port = () => Number(new URL(t.url).port);

    it('past the argon2 cap and queue: 429 + Retry-After; only hashed stored', async () => {
      const before = await audited();
      const answers = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const res = await fetch(`${t.url}/trpc/auth.signIn`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              email: `flood-${i}@example.com`,
              password: 'not the right password',
            }),
          });
          const body = (await res.json()) as {
            error: { message: string; data: { reason: string; httpStatus: number } };
          };
          return {
            status: res.status,
            retryAfter: res.headers.get('retry-after'),
            reason: body.error.data.reason,
            httpStatus: body.error.data.httpStatus,
          };
        }),
      );
      const refused = answers.filter((a) => a.status === 429);
      const hashed = answers.filter((a) => a.status === 401);
      expect(refused.length).toBeGreaterThan(0);
      expect(hashed.length).toBeGreaterThan(0);
      expect(refused.length + hashed.length).toBe(40);
      expect(
        refused.every(
          (a) => a.reason === 'RATE_LIMITED' && a.httpStatus === 429 && a.retryAfter === '1',
        ),
      ).toBe(true);
      expect(hashed.every((a) => a.reason === 'INVALID_CREDENTIALS')).toBe(true);
      // A refused attempt cost no database work: one audit row per hashed attempt only.
      expect((await audited()) - before).toBe(hashed.length);
    });

    it('a kept-alive burst is refused at the front door, within the hasher cap', async () => {
      const sockets = await Promise.all(Array.from({ length: 40 }, () => open(port())));
      const [auditBefore, refusalsBefore] = [await audited(), await hashingRefusals()];
      // Watch the front door's own count: how many sign-ins it let in at once.
      const admission = t.app.deps.signInAdmission;
      const admit = admission.admit.bind(admission);
      let underWay = 0;
      let most = 0;
      Object.assign(admission, {
        admit: (res: Parameters<typeof admit>[0]): boolean => {
          const admitted = admit(res);
          if (admitted) {
            most = Math.max(most, ++underWay);
            res.once('close', () => underWay--);
          }
          return admitted;
        },
      });
      // All 40 written in one turn, as a flood arrives.
      const answers = await Promise.all(
        sockets.map((socket, i) => exchange(socket, signInRequest(`burst-${i}@example.com`))),
      );
      const hashed = answers.filter((a) => a.status === 401);
      const refused = answers.filter((a) => a.status === 429);
      expect(hashed.length + refused.length).toBe(40);
      // The hasher's places less those kept for device-cookie browsers (this
      // burst has none: 1 hashing + 4 queued, one of them reserved) are admitted
      // at once, never more; a place frees only when a sign-in ends. How many
      // end during the burst depends on the machine's speed, so the cap is
      // checked where it is kept, not by a count.
      const shared = t.app.deps.passwords.capacity - t.app.deps.passwords.reserved;
      expect(shared).toBe(4);
      expect(hashed.length).toBeGreaterThanOrEqual(shared);
      expect(most).toBe(shared);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((a) => a.retryAfter === '1' && a.reason === 'RATE_LIMITED')).toBe(true);
      // Every refusal is the front door's password_hashing refusal: none reached
      // auth.signIn's own capacity check, so none ran tRPC or read the database.
      expect((await hashingRefusals()) - refusalsBefore).toBe(refused.length);
      expect((await audited()) - auditBefore).toBe(hashed.length);
    });

    it('a sign-in whose body never arrives holds no place (no slowloris lock-out)', async () => {
      const slow = await Promise.all(Array.from({ length: 8 }, () => open(port())));
      const partial = signInRequest('slow@example.com');
      for (const socket of slow) socket.write(partial.slice(0, partial.length - 10));
      await new Promise((r) => setTimeout(r, 50));
      const res = await fetch(`${t.url}/trpc/auth.signIn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'patient@example.com', password: 'not the right password' }),
      });
      expect(res.status).toBe(401);
      for (const socket of slow) socket.destroy();
    });
  },
);

const METRICS_TOKEN = 'metrics-token-for-the-sign-in-flood-tests-0123456789';

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function signInRequest(email: string): string {
  const body = JSON.stringify({ email, password: 'not the right password' });
  return (
    'POST /trpc/auth.signIn HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Writes one raw HTTP request and reads its whole response. */
function exchange(
  socket: Socket,
  request: string,
): Promise<{ status: number; retryAfter: string | undefined; reason: string }> {
  return new Promise((resolve, reject) => {
    let raw = '';
    socket.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      if (split === -1) return;
      const head = raw.slice(0, split);
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      const body = raw.slice(split + 4);
      if (Buffer.byteLength(body) < length) return;
      socket.destroy();
      resolve({
        status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0),
        retryAfter: /\r\nretry-after: ([^\r]+)/i.exec(head)?.[1],
        reason: (JSON.parse(body) as { error: { data: { reason: string } } }).error.data.reason,
      });
    });
    socket.once('error', reject);
    socket.write(request);
  });
}
