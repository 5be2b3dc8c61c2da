// OWASP API10:2023 Unsafe Consumption of APIs — a misbehaving upstream (the SMTP relay) cannot
// break or stall us.
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app';
import { createTestClient } from '../support/trpc-test-client';

describe('API10 unsafe consumption of APIs', () => {
  let relay: Server;
  beforeAll(async () => {
    // An "SMTP relay" that answers garbage and hangs up.
    relay = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\n\r\n<html>not smtp</html>'));
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  });
  const t = useTestApp(() => ({
    env: { SMTP_URL: `smtp://127.0.0.1:${(relay.address() as AddressInfo).port}` },
  }));
  afterAll(async () => {
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  });

  it('sign-up succeeds while the relay misbehaves; the mail stays queued, encrypted', async () => {
    const { trpc } = createTestClient(t.url);
    expect(
      await trpc.auth.signUp.mutate({
        email: 'api10@example.com',
        password: 'a long enough passphrase',
      }),
    ).toEqual({ accepted: true });
    const deadline = Date.now() + 10_000;
    let row:
      | { attempts: number; sent_at: Date | null; last_error: string | null; payload: string }
      | undefined;
    while (Date.now() < deadline) {
      row = await t.database.handle.db
        .selectFrom('mail_outbox')
        .select(['attempts', 'sent_at', 'last_error', 'payload'])
        .where('to_address', '=', 'api10@example.com')
        .executeTakeFirst();
      if (row && row.attempts > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row?.attempts).toBeGreaterThan(0);
    expect(row?.sent_at).toBeNull();
    expect(row?.last_error).toBeTruthy();
    expect(row?.payload).toMatch(/^v1\./);
    // The server still answers.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
