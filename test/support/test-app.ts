import pino from 'pino';
import { loadConfig, type Config } from '../../server/src/config';
import { createApp, type App } from '../../server/src/create-app';
import type { MailTransport } from '../../server/src/mail/mail-transport';
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
  const loaded = loadConfig({ GATEHOUSE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...overrides });
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
  extra: { mailTransport?: MailTransport } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(kind);
  const config = testConfig(overrides);
  const app = await createApp({ config, log: pino({ level: 'silent' }), database: database.handle, ...(extra.mailTransport ? { mailTransport: extra.mailTransport } : {}) });
  const address = await app.listen();
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    database,
    config,
    close: async () => {
      await closeApp(app);
      await database.destroy();
    },
  };
}
