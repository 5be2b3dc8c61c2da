import { type Kysely, sql } from 'kysely';

/**
 * The append-only, hash-chained audit log. Each row stores
 * hash = SHA-256(prev_hash || canonical JSON of the row); the chain head
 * (one row) is locked by every append, so concurrent writers form one chain.
 * A trigger refuses UPDATE, DELETE and TRUNCATE.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) =>
      c.notNull().check(sql`actor_type in ('user', 'api_key', 'system', 'anonymous')`),
    )
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('request_id', 'text')
    .addColumn('outcome', 'text', (c) =>
      c.notNull().check(sql`outcome in ('success', 'failure', 'denied')`),
    )
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('prev_hash', 'bytea', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .execute();
  await sql`create sequence audit_events_id_seq owned by audit_events.id`.execute(db);
  await db.schema
    .createIndex('audit_events_actor_idx')
    .on('audit_events')
    .columns(['actor_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_events_action_idx')
    .on('audit_events')
    .columns(['action', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_events_target_idx')
    .on('audit_events')
    .columns(['target_type', 'target_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_events_org_idx')
    .on('audit_events')
    .columns(['org_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_events_time_idx')
    .on('audit_events')
    .columns(['occurred_at', 'id'])
    .execute();

  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('last_id', 'bigint', (c) => c.notNull())
    .addColumn('last_hash', 'bytea', (c) => c.notNull())
    .execute();
  await sql`insert into audit_chain_head (id, last_id, last_hash) values (1, 0,
      decode(repeat('00', 32), 'hex'))`.execute(db);

  await sql`
    create function audit_events_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only (% refused)', tg_op using errcode =
          'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`create trigger audit_events_no_update before update or delete on audit_events for each
      row execute function audit_events_refuse_change()`.execute(db);
  // Tenant-scoped transactions run as gatehouse_app (0002) and audit in the same transaction.
  await sql`grant select, insert on audit_events to gatehouse_app`.execute(db);
  await sql`grant select, update on audit_chain_head to gatehouse_app`.execute(db);
  await sql`grant usage on sequence audit_events_id_seq to gatehouse_app`.execute(db);
  await sql`create trigger audit_events_no_truncate before truncate on audit_events for each
      statement execute function audit_events_refuse_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`revoke all on audit_events, audit_chain_head from gatehouse_app`.execute(db);
  await sql`revoke all on sequence audit_events_id_seq from gatehouse_app`.execute(db);
  await sql`drop trigger if exists audit_events_no_truncate on audit_events`.execute(db);
  await sql`drop trigger if exists audit_events_no_update on audit_events`.execute(db);
  await sql`drop function if exists audit_events_refuse_change()`.execute(db);
  await db.schema.dropTable('audit_chain_head').execute();
  await db.schema.dropTable('audit_events').execute();
}
