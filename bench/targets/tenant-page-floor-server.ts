import http from 'node:http';
import pg from 'pg';

/**
 * The floor of a tenant-scoped page: node:http and the bare `pg` driver doing the least a page
 * under row-level security needs, in three round trips: `BEGIN` sent together with the tenant
 * settings and the restricted role, the page (the same query, index and policy as
 * `projects.list`, 21 rows for a page of 20), `COMMIT`. No authentication, no validation, no
 * logging: what a Gatehouse org-scoped call is measured against (`vs floor`).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const { DATABASE_URL, BENCH_USER_ID, BENCH_ORG_ID } = process.env;
if (!DATABASE_URL || !UUID.test(BENCH_USER_ID ?? '') || !UUID.test(BENCH_ORG_ID ?? ''))
  throw new Error('DATABASE_URL, BENCH_USER_ID and BENCH_ORG_ID (uuids) are required');

const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});
pool.on('error', () => undefined);

// Both ids were checked against the uuid pattern above: nothing else reaches this text.
const begin =
  'begin; ' +
  `select set_config('gatehouse.user_id', '${BENCH_USER_ID}', true), ` +
  `set_config('gatehouse.org_ids', '${BENCH_ORG_ID}', true), ` +
  "set_config('role', 'gatehouse_app', true)";
const page = {
  name: 'floor-page',
  text:
    'select id, org_id, owner_id, name, description, version, created_at, updated_at, ' +
    `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at_exact ` +
    'from projects where org_id = $1 order by created_at desc, id desc limit $2',
  values: [BENCH_ORG_ID, 21],
};

interface Row {
  id: string;
  org_id: string;
  owner_id: string | null;
  name: string;
  description: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  created_at_exact: string;
}

async function tenantPage(): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const { rows } = await client.query<Row>(page);
    await client.query('commit');
    const projects = rows.slice(0, 20).map((r) => ({
      id: r.id,
      orgId: r.org_id,
      ownerId: r.owner_id,
      name: r.name,
      description: r.description,
      version: r.version,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    }));
    const last = rows[19];
    const nextCursor = rows.length > 20 && last ? `${last.created_at_exact}|${last.id}` : null;
    return JSON.stringify({ result: { data: { projects, nextCursor } } });
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const server = http.createServer((_req, res) => {
  tenantPage().then(
    (body) => {
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
