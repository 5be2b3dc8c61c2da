import { randomUUID } from 'node:crypto';
import type { AnyRouter } from '@trpc/server';
import pino from 'pino';
import { loadConfig, type Config } from '../../server/src/config';
import { createApp, type App } from '../../server/src/create-app';
import type { MailTransport } from '../../server/src/mail/mail-transport';
import type { HostResolver } from '../../server/src/webhooks/host-resolver';
import { createMailCapture, registerMailCapture, teeTransport } from './mail-capture';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './test-database';

export interface TestApp {
  readonly app: App;
  readonly url: string;
  readonly database: TestDatabase;
  readonly config: Config;
  close(): Promise<void>;
}

/**
 * Stops an in-process app at the end of a test: as the server's own shutdown
 * does, and then the idle kept-alive connections of the test's own fetch
 * client are closed at once instead of when the client lets them go (4 s
 * later, for every app a test starts).
 */
export async function closeApp(app: App): Promise<void> {
  const closing = app.close();
  app.server.closeIdleConnections();
  await closing;
}

/** Builds a config for tests from environment-style overrides. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  // A Redis key prefix of its own per server (unless the test shares one on purpose): counters
  // such as the per-recipient mail budget must not carry over from another test or an earlier run.
  const loaded = loadConfig({
    GATEHOUSE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    REDIS_KEY_PREFIX: `gatehouse-test-${randomUUID()}`,
    ...overrides,
  });
  if (!loaded.ok) throw new Error(`bad test config: ${loaded.problems.join('; ')}`);
  return loaded.config;
}

/**
 * The real server in this process, listening on an ephemeral loopback port,
 * over a fresh database of the given kind.
 */
export async function startTestApp(
  kind: DatabaseKind,
  overrides: Record<string, string | undefined> = {},
  extra: {
    mailTransport?: MailTransport;
    webhookResolver?: HostResolver;
    database?: TestDatabase;
    router?: AnyRouter;
  } = {},
): Promise<TestApp> {
  const database = extra.database ?? (await createTestDatabase(kind));
  const config = testConfig(overrides);
  // Every server's mail is captured, so signInUser can follow the real verification link
  // (not when the test talks to an SMTP relay of its own: that is what it tests).
  const captured = overrides.SMTP_URL === undefined ? createMailCapture() : undefined;
  const mailTransport =
    captured && extra.mailTransport
      ? teeTransport(extra.mailTransport, captured)
      : (extra.mailTransport ?? captured);
  const app = await createApp({
    config,
    log: pino({ level: 'silent' }),
    database: database.handle,
    ...(mailTransport ? { mailTransport } : {}),
    ...(extra.webhookResolver ? { webhookResolver: extra.webhookResolver } : {}),
    ...(extra.router ? { router: extra.router } : {}),
  });
  const address = await app.listen();
  const url = `http://127.0.0.1:${address.port}`;
  registerMailCapture(url, captured);
  return {
    app,
    url,
    database,
    config,
    close: async () => {
      registerMailCapture(url, undefined);
      await closeApp(app);
      // A database handed in belongs to the caller (a second instance on it, say).
      if (!extra.database) await database.destroy();
    },
  };
}
