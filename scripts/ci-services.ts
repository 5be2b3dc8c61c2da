// .ci/run's own PostgreSQL database and Redis database, so a run never
// touches the shared ones (`test`, Redis DB 0) nor another run's.
//
//   claim <base postgres url> <base redis url>
//     creates gh_ci_<random> next to the base database, claims an empty Redis
//     DB (1-15, marked with a key of its own), and prints shell assignments:
//     CI_PG_URL, CI_PG_NAME, CI_REDIS_URL, CI_REDIS_TOKEN
//   release <base postgres url> <pg name> <redis url> <token>
//     drops the database and flushes the Redis DB if it is still ours.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

// pg and ioredis are the test package's dependencies; resolve them from there.
const load = createRequire(new URL('../test/package.json', import.meta.url));
interface PgClient {
  connect(): Promise<void>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
}
interface RedisClient {
  connect(): Promise<void>;
  dbsize(): Promise<number>;
  set(key: string, value: string, mode: 'NX'): Promise<string | null>;
  get(key: string): Promise<string | null>;
  flushdb(): Promise<string>;
  disconnect(): void;
}
const pg = load('pg') as { Client: new (options: { connectionString: string }) => PgClient };
const { Redis } = load('ioredis') as {
  Redis: new (url: string, options: Record<string, unknown>) => RedisClient;
};

const MARKER = 'gatehouse-ci:claimed-by';

async function withPostgres<T>(url: string, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function redisUrlFor(base: string, db: number): string {
  const url = new URL(base);
  url.pathname = `/${db}`;
  return url.toString();
}

async function claim(pgBase: string, redisBase: string): Promise<void> {
  const name = `gh_ci_${randomBytes(6).toString('hex')}`;
  await withPostgres(pgBase, (c) => c.query(`create database "${name}"`));
  const pgUrl = new URL(pgBase);
  pgUrl.pathname = `/${name}`;

  const token = randomBytes(12).toString('hex');
  // Any of DB 1-15 that is empty, in random order; the marker (SET NX) makes it ours.
  const order = Array.from({ length: 15 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
  let redisUrl: string | undefined;
  for (const db of order) {
    const redis = new Redis(redisUrlFor(redisBase, db), {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    try {
      await redis.connect();
      if ((await redis.dbsize()) !== 0) continue;
      if ((await redis.set(MARKER, token, 'NX')) !== 'OK') continue;
      redisUrl = redisUrlFor(redisBase, db);
      break;
    } finally {
      redis.disconnect();
    }
  }
  if (!redisUrl) {
    await withPostgres(pgBase, (c) => c.query(`drop database if exists "${name}" with (force)`));
    throw new Error(`no empty Redis database (1-15) at ${redisBase}`);
  }
  process.stdout.write(
    [
      `CI_PG_URL='${pgUrl.toString()}'`,
      `CI_PG_NAME='${name}'`,
      `CI_REDIS_URL='${redisUrl}'`,
      `CI_REDIS_TOKEN='${token}'`,
      '',
    ].join('\n'),
  );
}

async function release(
  pgBase: string,
  name: string,
  redisUrl: string,
  token: string,
): Promise<void> {
  if (!/^gh_ci_[0-9a-f]{12}$/.test(name)) throw new Error(`not a CI database name: ${name}`);
  await withPostgres(pgBase, (c) => c.query(`drop database if exists "${name}" with (force)`));
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    if ((await redis.get(MARKER)) === token) await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

const [command, ...args] = process.argv.slice(2);
if (command === 'claim' && args.length === 2) await claim(args[0]!, args[1]!);
else if (command === 'release' && args.length === 4)
  await release(args[0]!, args[1]!, args[2]!, args[3]!);
else {
  process.stderr.write(
    'usage: ci-services.ts claim <postgres url> <redis url> | ' +
      'release <postgres url> <name> <redis url> <token>\n',
  );
  process.exit(2);
}
