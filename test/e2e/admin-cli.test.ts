import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/spawn-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_DATABASE_URL } from '../support/test-env';

describe.runIf(TEST_DATABASE_URL !== undefined)('pnpm gatehouse admin create (PostgreSQL)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => t?.destroy());

  it('creates a verified admin, reading the password from standard input and applying the policy', async () => {
    const env = { DATABASE_URL: t.url };
    const ok = await runCli(['admin', 'create', '--email', 'Ops@Example.com', '--name', 'Ops'], env, 'an operator passphrase that is long\n');
    expect(ok.stdout).toContain('created admin ops@example.com');
    expect(ok.code).toBe(0);
    const row = await t.handle.db.selectFrom('users').select(['role', 'email_verified_at', 'password_hash']).where('email', '=', 'ops@example.com').executeTakeFirstOrThrow();
    expect(row.role).toBe('admin');
    expect(row.email_verified_at).not.toBeNull();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);

    const weak = await runCli(['admin', 'create', '--email', 'weak@example.com'], env, 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('PASSWORD_TOO_SHORT');
    const again = await runCli(['admin', 'create', '--email', 'ops@example.com'], env, 'an operator passphrase that is long\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    const argv = await runCli(['admin', 'create', '--email', 'x@example.com', '--password', 'an operator passphrase that is long'], env);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toMatch(/never taken from the command line/);
    const users = await t.handle.db.selectFrom('users').select('email').execute();
    expect(users.map((u) => u.email)).toEqual(['ops@example.com']);
  });
});
