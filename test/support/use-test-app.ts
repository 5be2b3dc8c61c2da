import type { AnyRouter } from '@trpc/server';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import type { App } from '../../server/src/create-app';
import type { Config } from '../../server/src/config';
import type { Database } from '../../server/src/db/database';
import type { MailTransport } from '../../server/src/mail/mail-transport';
import { mailCaptureOf, type MailCapture } from './mail-capture';
import { signInUser } from './sign-in-user';
import { startTestApp, type TestApp } from './test-app';
import type { DatabaseKind, TestDatabase } from './test-database';
import { GENEROUS_LIMITS } from './generous-limits';
import { REDIS_URL } from './test-env';
import { createTestClient, type TestClient } from './trpc-test-client';

export interface UseTestAppOptions {
  /** The database the server runs on: in-memory PGlite unless the test asks for PostgreSQL. */
  readonly kind?: DatabaseKind;
  /** Environment-style config overrides; they win over GENEROUS_LIMITS. */
  readonly env?: Record<string, string | undefined>;
  /** `'defaults'`: the product's own request-rate limits instead of GENEROUS_LIMITS. */
  readonly limits?: 'generous' | 'defaults';
  /** Run the server against REDIS_URL (the caller skips with `describe.runIf(REDIS_URL)`). */
  readonly redis?: boolean;
  /** A mail transport of the test's own; every message also reaches `mail`. */
  readonly mailTransport?: MailTransport;
  /** Serve this router instead of the app's (tests of the pipeline itself). */
  readonly router?: AnyRouter;
}

/** The running server of `useTestApp`, readable once its `beforeAll` has run. */
export interface UsedTestApp extends TestApp {
  /** The server's database (`database.handle.db`). */
  readonly db: Kysely<Database>;
  /** Every mail the server sent (undefined when the test points it at an SMTP relay). */
  readonly mail: MailCapture | undefined;
  /** A tRPC client with a cookie jar of its own. */
  client(options?: Parameters<typeof createTestClient>[1]): TestClient;
  /** A user signed up (email verified through the mailed link) and signed in. */
  signIn(
    email: string,
    options?: { admin?: boolean; password?: string; verified?: boolean },
  ): ReturnType<typeof signInUser>;
}

/**
 * The real HTTP server in this process (port 0, loopback) for the enclosing
 * `describe` (or file): started in `beforeAll`, closed with its database in
 * `afterAll`, both registered here. Hooks the caller registers after this
 * call run after the server started and, in vitest's stack order, are torn
 * down before it stops. Pass a function for options that need values made
 * in an earlier `beforeAll`.
 */
export function useTestApp(given: UseTestAppOptions | (() => UseTestAppOptions) = {}): UsedTestApp {
  let current: TestApp | undefined;
  const started = (): TestApp => {
    if (!current) throw new Error('useTestApp: the server is read before its beforeAll ran');
    return current;
  };
  beforeAll(async () => {
    // A function is read here, once the file's earlier beforeAll hooks ran (an SMTP relay's port).
    const options = typeof given === 'function' ? given() : given;
    if (options.redis && !REDIS_URL) throw new Error('useTestApp({ redis }): REDIS_URL is unset');
    const env = {
      ...(options.limits === 'defaults' ? {} : GENEROUS_LIMITS),
      ...(options.redis ? { REDIS_URL } : {}),
      ...options.env,
    };
    current = await startTestApp(options.kind ?? 'pglite', env, {
      ...(options.mailTransport ? { mailTransport: options.mailTransport } : {}),
      ...(options.router ? { router: options.router } : {}),
    });
  });
  afterAll(async () => {
    const closing = current;
    current = undefined;
    await closing?.close();
  });
  return {
    get app(): App {
      return started().app;
    },
    get url(): string {
      return started().url;
    },
    get database(): TestDatabase {
      return started().database;
    },
    get config(): Config {
      return started().config;
    },
    get db(): Kysely<Database> {
      return started().database.handle.db;
    },
    get mail(): MailCapture | undefined {
      return mailCaptureOf(started().url);
    },
    client: (clientOptions) => createTestClient(started().url, clientOptions),
    signIn: (email, signInOptions) =>
      signInUser(started().url, email, { db: started().database.handle.db, ...signInOptions }),
    close: async () => {
      const closing = started();
      current = undefined;
      await closing.close();
    },
  };
}
