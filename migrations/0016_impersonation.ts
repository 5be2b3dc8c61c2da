import { sql, type Kysely } from 'kysely';

/**
 * Impersonation for support (issue 21).
 *
 * - An impersonation is a session of the impersonated user (so every check that already
 *   scopes by the session's user scopes it) marked with who impersonates
 *   (`impersonator_id`), why (`impersonation_reason`) and whether mutations are granted
 *   (`impersonation_writes`); `expires_at` is its time limit. Like every session, only
 *   SHA-256 of its secret is stored. The three columns are set together or not at all.
 * - Every audit row written during one names the administrator as actor and the user in
 *   `on_behalf_of`; null for every other row (and for every row written before this
 *   migration), so the hash chain of the existing rows is unchanged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('impersonator_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('impersonation_reason', 'text')
    .addColumn('impersonation_writes', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .alterTable('sessions')
    .addCheckConstraint(
      'sessions_impersonation_complete',
      sql`(impersonator_id is null and impersonation_reason is null
        and impersonation_writes = false)
        or (impersonator_id is not null and impersonation_reason is not null)`,
    )
    .execute();
  await db.schema
    .createIndex('sessions_impersonator_idx')
    .on('sessions')
    .column('impersonator_id')
    .where(sql.ref('impersonator_id'), 'is not', null)
    .execute();

  await db.schema.alterTable('audit_events').addColumn('on_behalf_of', 'uuid').execute();
  await db.schema
    .createIndex('audit_events_on_behalf_of_idx')
    .on('audit_events')
    .columns(['on_behalf_of', 'id'])
    .where(sql.ref('on_behalf_of'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_on_behalf_of_idx').ifExists().execute();
  await db.schema.alterTable('audit_events').dropColumn('on_behalf_of').execute();
  await db.schema.dropIndex('sessions_impersonator_idx').ifExists().execute();
  await db.schema
    .alterTable('sessions')
    .dropConstraint('sessions_impersonation_complete')
    .ifExists()
    .execute();
  await db.schema
    .alterTable('sessions')
    .dropColumn('impersonator_id')
    .dropColumn('impersonation_reason')
    .dropColumn('impersonation_writes')
    .execute();
}
