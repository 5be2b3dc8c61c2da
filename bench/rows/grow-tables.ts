import pg from 'pg';

/** The tables scenario 7 grows, and how many rows each holds afterwards. */
export interface TableSizes {
  readonly sessions: number;
  readonly projects: number;
  readonly auditEvents: number;
}

const FILLER_USERS = 1000;

/**
 * Grows `sessions`, the tenant org's `projects` and `audit_events` to `rows`
 * each, straight through SQL (generate_series), then VACUUM ANALYZE, so
 * scenarios 2 and 3 can be measured against small and large tables.
 * Sessions belong to 1,000 filler users; projects are all in the measured
 * org (its first page must not depend on how many there are); audit events
 * are filler rows. Only the bench's own throwaway database is touched.
 */
export async function growTables(
  databaseUrl: string,
  orgId: string,
  rows: number,
): Promise<TableSizes> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `insert into users (email, password_hash)
       select 'filler-' || g || '@bench.invalid', 'not a usable hash'
       from generate_series(1, $1::int) g
       on conflict (email) do nothing`,
      [FILLER_USERS],
    );
    const count = async (text: string, values: unknown[] = []): Promise<number> =>
      Number(((await client.query<{ n: string }>(text, values)).rows[0] ?? { n: '0' }).n);

    const sessions = await count('select count(*)::text as n from sessions');
    if (sessions < rows) {
      await client.query(
        `with filler as (
           select id, row_number() over (order by id) - 1 as i
           from users where email like 'filler-%@bench.invalid'
         )
         insert into sessions (id, secret_hash, user_id, expires_at)
         select 'benchfill' || g, sha256(('bench ' || g)::bytea), f.id, now() + interval '1 day'
         from generate_series($1::int + 1, $2::int) g join filler f on f.i = g % $3::int`,
        [sessions, rows, FILLER_USERS],
      );
    }
    const projects = await count('select count(*)::text as n from projects where org_id = $1', [
      orgId,
    ]);
    if (projects < rows) {
      await client.query(
        `insert into projects (org_id, name, created_at, updated_at)
         select $1::uuid, 'filler project ' || g,
                now() - g * interval '1 second', now() - g * interval '1 second'
         from generate_series($2::int + 1, $3::int) g`,
        [orgId, projects, rows],
      );
    }
    // Ids from the table's own sequence, as the server's audit writer takes them,
    // so the running server's next appends never collide with the filler.
    const audit = await count('select count(*)::text as n from audit_events');
    if (audit < rows) {
      await client.query(
        `insert into audit_events
           (id, occurred_at, actor_type, actor_id, action, org_id, outcome, details,
            prev_hash, hash)
         select nextval('audit_events_id_seq'), now() - g * interval '1 second',
                'system', null, 'bench.filler', $1, 'success', '{}'::jsonb,
                sha256(('prev ' || g)::bytea), sha256(('hash ' || g)::bytea)
         from generate_series(1, $2::int - $3::int) g`,
        [orgId, rows, audit],
      );
    }
    await client.query('vacuum analyze sessions, projects, audit_events');
    return {
      sessions: await count('select count(*)::text as n from sessions'),
      projects: await count('select count(*)::text as n from projects where org_id = $1', [orgId]),
      auditEvents: await count('select count(*)::text as n from audit_events'),
    };
  } finally {
    await client.end();
  }
}
