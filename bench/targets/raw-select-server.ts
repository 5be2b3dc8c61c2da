import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * Baseline: node:http plus one SELECT by primary key, through the bare
 * driver (`pg`, or PGlite in this process for the embedded database): the
 * database-bound ceiling a procedure that reads one row can approach.
 */
type Query = (id: number) => Promise<unknown>;

const ROWS = 1000;
const url = process.env.DATABASE_URL;

async function connect(): Promise<Query> {
  const create =
    'create table if not exists bench_raw_rows ' +
    '(id integer primary key, name text not null, created_at timestamptz not null default now())';
  const seed =
    "insert into bench_raw_rows (id, name) select g, 'row ' || g " +
    `from generate_series(1, ${ROWS}) g on conflict do nothing`;
  const select = 'select id, name, created_at from bench_raw_rows where id = $1';
  if (url) {
    const pool = new pg.Pool({
      connectionString: url,
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    });
    pool.on('error', () => undefined);
    await pool.query(create);
    await pool.query(seed);
    return async (id) =>
      (await pool.query({ name: 'bench-select', text: select, values: [id] })).rows[0] as unknown;
  }
  const db = await PGlite.create('memory://');
  await db.exec(create);
  await db.exec(seed);
  return async (id) => (await db.query(select, [id])).rows[0];
}

const query = await connect();
const server = http.createServer((_req, res) => {
  query(1 + Math.floor(Math.random() * ROWS)).then(
    (row) => {
      const body = JSON.stringify({ result: { data: row } });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    },
    () => {
      res.writeHead(500).end();
    },
  );
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
