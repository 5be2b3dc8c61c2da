import { type Kysely, sql } from 'kysely';

/**
 * Organizations (tenants), memberships and projects, with PostgreSQL
 * row-level security as defence in depth: tenant rows are visible only when
 * the transaction's `gatehouse.org_ids` / `gatehouse.user_id` settings allow,
 * for the non-owner role `gatehouse_app` the pipeline switches to.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Roles are cluster-wide: tolerate another database (or a concurrent
  // migration) having created it.
  await sql`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = 'gatehouse_app') then
        create role gatehouse_app nologin;
      end if;
    exception when duplicate_object or unique_violation then null;
    end
    $$`.execute(db);
  // The connecting user must be able to SET ROLE to it (a no-op for superusers).
  await sql`
    do $$
    begin
      execute format('grant gatehouse_app to %I', current_user);
    exception when others then null;
    end
    $$`.execute(db);
  // Without it every org-scoped request would fail at SET ROLE: say so now, with the fix.
  const usable = await sql<{
    ok: boolean;
    me: string;
  }>`select pg_has_role(current_user, 'gatehouse_app', 'MEMBER') as ok, current_user as me`.execute(
    db,
  );
  const me = usable.rows[0];
  if (!me?.ok) {
    throw new Error(
      `database user "${me?.me ?? '?'}" cannot SET ROLE gatehouse_app, which row-level ` +
        `security needs; as a superuser run: GRANT gatehouse_app TO "${me?.me ?? '?'}"; ` +
        'then migrate again',
    );
  }

  await db.schema
    .createTable('orgs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('require_mfa', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('owner', 'admin', 'member', 'viewer')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('memberships_pk', ['org_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('memberships_user_idx')
    .on('memberships')
    .columns(['user_id', 'org_id'])
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('org_id', 'uuid', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('owner_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Keyset pagination: newest first within an org.
  await db.schema
    .createIndex('projects_org_page_idx')
    .on('projects')
    .columns(['org_id', 'created_at', 'id'])
    .execute();

  for (const table of ['projects', 'memberships']) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`alter table ${sql.table(table)} force row level security`.execute(db);
  }
  const orgIds = sql`string_to_array(coalesce(current_setting('gatehouse.org_ids', true), ''),
      ',')`;
  const userId = sql`nullif(current_setting('gatehouse.user_id', true), '')`;
  await sql`create policy projects_tenant on projects using (org_id::text = any (${orgIds})) with
      check (org_id::text = any (${orgIds}))`.execute(db);
  await sql`create policy memberships_tenant on memberships using (org_id::text = any (${orgIds})
      or user_id::text = ${userId}) with check (org_id::text = any (${orgIds}))`.execute(db);

  await sql`grant select, insert, update, delete on projects, memberships, orgs to
      gatehouse_app`.execute(db);
  await sql`grant select (id, email, name) on users to gatehouse_app`.execute(db);
  await sql`grant select, insert, update on one_time_tokens to gatehouse_app`.execute(db);
  await sql`grant insert on mail_outbox to gatehouse_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('projects').execute();
  await db.schema.dropTable('memberships').execute();
  await db.schema.dropTable('orgs').execute();
  await sql`revoke all on one_time_tokens, mail_outbox from gatehouse_app`.execute(db);
  await sql`revoke all on users from gatehouse_app`.execute(db);
}
