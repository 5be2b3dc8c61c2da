import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/spawn-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_DATABASE_URL } from '../support/test-env';
import { PROCESS_START_MS } from '../support/deadlines';

describe.runIf(TEST_DATABASE_URL !== undefined)('pnpm gatehouse admin create (PostgreSQL)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => t?.destroy());

  it('creates a verified admin, password from standard input, policy applied', async () => {
    const env = { DATABASE_URL: t.url };
    const ok = await runCli(
      ['admin', 'create', '--email', 'Ops@Example.com', '--name', 'Ops'],
      env,
      'an operator passphrase that is long\n',
    );
    expect(ok.stdout).toContain('created admin ops@example.com');
    expect(ok.code).toBe(0);
    const row = await t.handle.db
      .selectFrom('users')
      .select(['role', 'email_verified_at', 'password_hash'])
      .where('email', '=', 'ops@example.com')
      .executeTakeFirstOrThrow();
    expect(row.role).toBe('admin');
    expect(row.email_verified_at).not.toBeNull();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);

    const weak = await runCli(['admin', 'create', '--email', 'weak@example.com'], env, 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('PASSWORD_TOO_SHORT');
    const again = await runCli(
      ['admin', 'create', '--email', 'ops@example.com'],
      env,
      'an operator passphrase that is long\n',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    const argv = await runCli(
      [
        'admin',
        'create',
        '--email',
        'x@example.com',
        '--password',
        'an operator passphrase that is long',
      ],
      env,
    );
    expect(argv.code).toBe(2);
    expect(argv.stderr).toMatch(/never taken from the command line/);
    const users = await t.handle.db.selectFrom('users').select('email').execute();
    expect(users.map((u) => u.email)).toEqual(['ops@example.com']);
  });

  it('audits the creation; promotes an existing account (audited, signed out)', async () => {
    const env = { DATABASE_URL: t.url };
    const created = await runCli(
      ['admin', 'create', '--email', 'audited@example.com'],
      env,
      'an operator passphrase that is long\n',
    );
    expect(created.code, created.stderr).toBe(0);
    const admin = await t.handle.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'audited@example.com')
      .executeTakeFirstOrThrow();
    const createdEvent = await t.handle.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'admin.cli.create')
      .where('target_id', '=', admin.id)
      .executeTakeFirstOrThrow();
    expect(createdEvent).toMatchObject({
      actor_type: 'system',
      target_type: 'user',
      target_id: admin.id,
      outcome: 'success',
    });

    const dup = await runCli(
      ['admin', 'create', '--email', 'audited@example.com'],
      env,
      'an operator passphrase that is long\n',
    );
    expect(dup.stderr).toBe(
      'gatehouse admin: an account with email audited@example.com already exists; make it an ' +
        'administrator with `admin promote --email audited@example.com`\n',
    );

    // An ordinary account with a session, promoted.
    const user = await t.handle.db
      .insertInto('users')
      .values({ email: 'member@example.com', password_hash: 'x', role: 'user' } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.handle.db
      .insertInto('sessions')
      .values({
        id: 'promote-test-session',
        secret_hash: new Uint8Array(32),
        user_id: user.id,
        last_used_at: new Date(),
        expires_at: new Date(Date.now() + 3_600_000),
        absolute_expires_at: new Date(Date.now() + 7_200_000),
      } as never)
      .execute()
      .catch(() => undefined);
    const promoted = await runCli(['admin', 'promote', '--email', 'Member@Example.com'], env);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toBe(
      `promoted member@example.com (${user.id}) to admin; its sessions were signed out\n`,
    );
    const row = await t.handle.db
      .selectFrom('users')
      .select('role')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.role).toBe('admin');
    expect(
      await t.handle.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', user.id)
        .execute(),
    ).toEqual([]);
    const promotedEvent = await t.handle.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'admin.cli.promote')
      .executeTakeFirstOrThrow();
    expect(promotedEvent).toMatchObject({
      actor_type: 'system',
      target_type: 'user',
      target_id: user.id,
      outcome: 'success',
    });

    expect((await runCli(['admin', 'promote', '--email', 'member@example.com'], env)).stdout).toBe(
      'member@example.com is already an administrator\n',
    );
    const missing = await runCli(['admin', 'promote', '--email', 'nobody@example.com'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'gatehouse admin: no account has the email nobody@example.com; create it with `admin ' +
        'create --email nobody@example.com`\n',
    );
  });

  it.runIf(spawnSync('script', ['--version']).status === 0)(
    'on a terminal, prompts twice for the password without echoing it',
    async () => {
      const secret = 'typed at a terminal, never echoed';
      const child = spawn(
        'script',
        [
          '-qfe',
          '--echo',
          'never',
          '-c',
          `"${process.execPath}" --import tsx server/src/cli/main.ts admin create --email ` +
            `tty@example.com`,
          '/dev/null',
        ],
        {
          cwd: REPO_ROOT,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            TERM: 'xterm',
            GATEHOUSE_ENV: 'test',
            LOG_LEVEL: 'warn',
            DATABASE_URL: t.url,
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let out = '';
      const waitFor = (text: string): Promise<void> =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no "${text}" in:\n${out}`)),
            PROCESS_START_MS,
          );
          const check = (): void => {
            if (out.includes(text)) {
              clearTimeout(timer);
              child.stdout.off('data', check);
              resolve();
            }
          };
          child.stdout.on('data', check);
          check();
        });
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        await waitFor('Password for the new administrator: ');
        child.stdin.write(`${secret}\r`);
        await waitFor('Repeat it: ');
        child.stdin.write(`${secret}\r`);
        await waitFor('created admin tty@example.com');
        expect(await exited).toBe(0);
        expect(out).not.toContain(secret);
      } finally {
        child.kill('SIGKILL');
      }
      const row = await t.handle.db
        .selectFrom('users')
        .select('role')
        .where('email', '=', 'tty@example.com')
        .executeTakeFirstOrThrow();
      expect(row.role).toBe('admin');
    },
    60_000,
  );
});
