import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';

/**
 * The one place that reads `process.env`. A `.env` file in the working
 * directory fills gaps only in development (the default environment); real
 * environment variables always win.
 */
export function readEnvironment(options?: { cwd?: string }): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  const mode = env.GATEHOUSE_ENV ?? 'development';
  const file = `${options?.cwd ?? process.cwd()}/.env`;
  if (mode === 'development' && existsSync(file)) {
    const fromFile = parse(readFileSync(file));
    for (const [k, v] of Object.entries(fromFile)) if (env[k] === undefined) env[k] = v;
  }
  return env;
}
