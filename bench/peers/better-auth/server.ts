import http from 'node:http';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import pg from 'pg';

/**
 * The peer users compare Gatehouse with: better-auth (version in this package's package.json),
 * email and password on PostgreSQL, as its documentation sets it up, measured in the same run
 * as Gatehouse (`get-session` with a session cookie, with its cookie cache off, or on with
 * BENCH_COOKIE_CACHE=1). Its own rate limiter is off, as Gatehouse's limits are raised out of
 * the way; telemetry is off (no network here).
 */
const { DATABASE_URL, PORT, HOST } = process.env;
if (!DATABASE_URL) throw new Error('DATABASE_URL is required');
const baseURL = `http://${HOST ?? '127.0.0.1'}:${PORT}`;
const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});
pool.on('error', () => undefined);

const auth = betterAuth({
  database: pool,
  baseURL,
  secret: process.env.BENCH_SECRET ?? 'a benchmark secret that is long enough to pass',
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  session: {
    cookieCache: { enabled: process.env.BENCH_COOKIE_CACHE === '1', maxAge: 300 },
  },
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const handler = toNodeHandler(auth);
const server = http.createServer((req, res) => {
  if (req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  void handler(req, res);
});
server.listen(Number(PORT), HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
