import { type Kysely, sql } from 'kysely';

/**
 * The audit chain head (audit_chain_head, moved by every append in the
 * append's own transaction) may only move forward: a trigger refuses an
 * UPDATE that lowers last_id or changes the hash of the same row, and any
 * DELETE or TRUNCATE. It fires ALWAYS, so `session_replication_role =
 * replica` (the usual way round the append-only trigger of 0003) does not
 * switch it off. Deleting the newest rows, or all of them, then leaves a
 * head the rows no longer reach, and `audit verify` reports it. Only the
 * table's owner disabling the trigger outright gets past this; that is what
 * the outside copy of the head (`audit verify --expect-head`) is for.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function audit_chain_head_forward_only() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'UPDATE' then
        raise exception 'audit_chain_head cannot be removed (% refused)', tg_op using errcode =
            'insufficient_privilege';
      end if;
      if new.id <> old.id or new.last_id < old.last_id or (new.last_id = old.last_id and
          new.last_hash <> old.last_hash) then
        raise exception 'audit_chain_head only moves forward (% to % refused)', old.last_id,
            new.last_id using errcode = 'insufficient_privilege';
      end if;
      return new;
    end
    $$`.execute(db);
  await sql`create trigger audit_chain_head_forward before update or delete on audit_chain_head
      for each row execute function audit_chain_head_forward_only()`.execute(db);
  await sql`create trigger audit_chain_head_no_truncate before truncate on audit_chain_head for
      each statement execute function audit_chain_head_forward_only()`.execute(db);
  await sql`alter table audit_chain_head enable always trigger audit_chain_head_forward`.execute(
    db,
  );
  await sql`alter table audit_chain_head enable always trigger
      audit_chain_head_no_truncate`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists audit_chain_head_no_truncate on audit_chain_head`.execute(db);
  await sql`drop trigger if exists audit_chain_head_forward on audit_chain_head`.execute(db);
  await sql`drop function if exists audit_chain_head_forward_only()`.execute(db);
}
