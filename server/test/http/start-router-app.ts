import type { AnyRouter } from '@trpc/server';
import pino from 'pino';
import { createApp, type App } from '../../src/create-app';
import { closeApp, testConfig } from '../../../test/support/test-app';
import { createTestDatabase } from '../../../test/support/test-database';

export interface RouterApp {
  readonly app: App;
  readonly url: string;
  readonly port: number;
  /** Parsed access-log and other log lines, in order. */
  readonly logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * The real front door and pipeline, in this process, serving a test router over an in-memory
 * PGlite.
 */
export async function startRouterApp(
  router: AnyRouter | undefined,
  overrides: Record<string, string | undefined> = {},
): Promise<RouterApp> {
  const database = await createTestDatabase('pglite');
  const logs: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const app = await createApp({
    config: testConfig(overrides),
    log,
    database: database.handle,
    ...(router ? { router } : {}),
  });
  const address = await app.listen();
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    logs,
    close: async () => {
      await closeApp(app);
      await database.destroy();
    },
  };
}
