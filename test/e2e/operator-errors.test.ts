import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, spawnServer, type SpawnedServer } from '../support/spawn-server';
import { useTestApp } from '../support/use-test-app';
import { createTestClient, refusal } from '../support/trpc-test-client';
import { PROCESS_START_MS } from '../support/deadlines';

/** A stack frame as Node prints it. */
const STACK = /\n {4}at /;

/** Runs the server entry point to its exit (for start-ups that must fail). */
async function runServer(
  env: Record<string, string | undefined>,
  args: string[] = [],
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GATEHOUSE_ENV: 'test',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_START_MS);
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, stderr, stdout };
  } finally {
    clearTimeout(timer);
  }
}

describe('operator errors: one sentence with the fix, no stack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-operator-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a port in use names the port and PORT', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runServer({ PORT: String(port), GATEHOUSE_DATA_DIR: join(dir, 'port') });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `gatehouse: port ${port} is in use: stop the other process or set PORT\n`,
      );
      expect(run.stdout).not.toMatch(STACK);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('a TLS file that does not exist names the file and its variable', async () => {
    const run = await runServer({
      PORT: '0',
      TLS_CERT_FILE: join(dir, 'missing-cert.pem'),
      TLS_KEY_FILE: join(dir, 'missing-key.pem'),
      GATEHOUSE_DATA_DIR: join(dir, 'tls'),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `gatehouse: cannot open ${join(dir, 'missing-cert.pem')} (TLS_CERT_FILE): no such file ` +
        `or directory; fix the path\n`,
    );
  });

  it('accepts the "--" pnpm 10 passes through (start -- --migrate); refuses unknowns', async () => {
    const run = await runServer({ PORT: 'abc' }, ['--', '--migrate']);
    expect(run.stderr).toBe(
      'gatehouse: invalid configuration (1 problem):\n  - PORT must be a whole number from 1 ' +
        'to 65535\n',
    );
    const bogus = await runServer({}, ['--', '--bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(
      /^gatehouse: unknown option --bogus\n\nUsage: npx -y pnpm@10 start \[--migrate\]/,
    );
  });

  it('PORT=abc says what PORT must be, not "required"', async () => {
    const run = await runServer({ PORT: 'abc' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'gatehouse: invalid configuration (1 problem):\n  - PORT must be a whole number from 1 ' +
        'to 65535\n',
    );
  });

  it('a bad PORT and CORS_ORIGINS=* in production are named together, with the rest', async () => {
    const run = await runServer({
      GATEHOUSE_ENV: 'production',
      PORT: 'abc',
      CORS_ORIGINS: '*',
      TRUST_PROXY: '1',
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
      METRICS_TOKEN: 'x'.repeat(40),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        'gatehouse: invalid configuration (3 problems):',
        '  - PORT must be a whole number from 1 to 65535',
        '  - production: CORS_ORIGINS must list exact origins, not "*"',
        '  - production: GATEHOUSE_ENCRYPTION_KEYS is required',
        '',
      ].join('\n'),
    );
  });

  it('the CLI reports configuration problems the same way', async () => {
    const run = await runCli(['openapi'], { PORT: '70000' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'gatehouse: invalid configuration (1 problem):\n  - PORT must be a whole number from 1 ' +
        'to 65535\n',
    );
  });

  it('openapi --out into a missing folder says to create it', async () => {
    const out = join(dir, 'no-such-folder', 'openapi.json');
    const run = await runCli(['openapi', '--out', out], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `gatehouse openapi: cannot write ${out}: the folder ${join(dir, 'no-such-folder')} does ` +
        `not exist; create it (mkdir -p ${join(dir, 'no-such-folder')}) or choose another --out\n`,
    );
    const table = await runCli(['procedures', '--out', out], {});
    expect(table.code).toBe(1);
    expect(table.stderr).toContain(`gatehouse procedures: cannot write ${out}: the folder`);
  });

  it('piping into head exits quietly (EPIPE)', async () => {
    // The document is ~280 KB, far more than a pipe buffer: head closes the pipe mid-write.
    const child = spawn(
      'bash',
      [
        '-c',
        'set -o pipefail; "$NODE" --import tsx server/src/cli/main.ts openapi 2>"$ERR" | head ' +
          '-c 100 >/dev/null; echo "${PIPESTATUS[0]}"',
      ],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GATEHOUSE_ENV: 'test',
          NODE: process.execPath,
          ERR: join(dir, 'epipe.err'),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    expect(readFileSync(join(dir, 'epipe.err'), 'utf8')).toBe('');
    expect(out.trim()).toBe('0');
  });

  it('PASSWORD_TOO_SHORT names the minimum (CLI)', async () => {
    const run = await runCli(
      ['admin', 'create', '--email', 'ops@example.com'],
      { GATEHOUSE_DATA_DIR: join(dir, 'pw') },
      'short\n',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'gatehouse admin: Password too short: use at least 15 characters (PASSWORD_TOO_SHORT)\n',
    );
  });

  describe('with a server running on the embedded database', () => {
    let server: SpawnedServer | undefined;
    const dataDir = join(dir, 'locked');
    beforeAll(async () => {
      server = await spawnServer({ GATEHOUSE_DATA_DIR: dataDir });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('the CLI says the server must be stopped (data directory lock)', async () => {
      const pid = server!.process.pid!;
      const run = await runCli(
        ['admin', 'create', '--email', 'ops@example.com'],
        { GATEHOUSE_DATA_DIR: dataDir },
        'an operator passphrase that is long\n',
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `gatehouse admin: the embedded database in ${dataDir} is in use by process ${pid}; ` +
          `PGlite allows one process at a time (stop the server, or point DATABASE_URL at ` +
          `PostgreSQL)\n`,
      );
      const migrate = await runCli(['migrate', 'status'], { GATEHOUSE_DATA_DIR: dataDir });
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toContain(`is in use by process ${pid}`);
      expect(migrate.stderr).not.toMatch(STACK);
    });

    it('a second server on the same data directory says the same', async () => {
      const run = await runServer({ PORT: '0', GATEHOUSE_DATA_DIR: dataDir });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `gatehouse: the embedded database in ${dataDir} is in use by process ` +
          `${server!.process.pid!}; PGlite allows one process at a time (stop the server, or ` +
          `point DATABASE_URL at PostgreSQL)\n`,
      );
    });
  });
});

describe('PASSWORD_TOO_SHORT over the API names the minimum', () => {
  const t = useTestApp({ env: { PASSWORD_MIN_LENGTH: '20' } });

  it('for a password under the old schema floor and one above it', async () => {
    const { trpc } = createTestClient(t.url);
    for (const password of ['short', 'only sixteen chars']) {
      expect(
        await refusal(trpc.auth.signUp.mutate({ email: 'weak@example.com', password })),
      ).toEqual({
        httpStatus: 400,
        reason: 'PASSWORD_TOO_SHORT',
        message: 'Password too short: use at least 20 characters',
      });
    }
  });
});
