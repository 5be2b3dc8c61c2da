import { Writable } from 'node:stream';
import { createApp, type App } from '../../server/src/create-app';
import { createLogger } from '../../server/src/observability/create-logger';
import { closeApp, testConfig } from './test-app';
import type { TestDatabase } from './test-database';
import { EFFECT_WAIT_MS } from './deadlines';

export interface LoggedApp {
  readonly app: App;
  readonly url: string;
  /** Every log line the app wrote so far, parsed. */
  readonly lines: Array<Record<string, unknown>>;
  /** Resolves with the first line that `match` accepts (polls for up to 5 s). */
  waitForLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * The real server in this process over the given database, with the
 * transports create-app chooses itself (no mail capture) and the process
 * logger (redaction included), its lines kept: what an operator or a developer would read in the
 * terminal.
 */
export async function startLoggedApp(
  database: TestDatabase,
  overrides: Record<string, string | undefined> = {},
): Promise<LoggedApp> {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n'))
        if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const config = testConfig({ LOG_LEVEL: 'info', ...overrides });
  const app = await createApp({
    config,
    log: createLogger({ level: 'info', destination: sink }),
    database: database.handle,
  });
  const address = await app.listen();
  await app.offerBootstrapLink(address);
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    lines,
    waitForLine: async (match) => {
      const deadline = Date.now() + EFFECT_WAIT_MS;
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `no such log line in:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => closeApp(app),
  };
}
