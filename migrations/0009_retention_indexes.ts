import { type Kysely, sql } from 'kysely';

/**
 * The hourly retention sweep (db/retention-sweep.ts) deletes expired sessions,
 * expired one-time tokens and mail sent long ago by these columns; without
 * indexes each sweep would read the whole table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('sessions_expires_at_idx')
    .on('sessions')
    .column('expires_at')
    .execute();
  await db.schema
    .createIndex('one_time_tokens_expires_at_idx')
    .on('one_time_tokens')
    .column('expires_at')
    .execute();
  await db.schema
    .createIndex('mail_outbox_sent_at_idx')
    .on('mail_outbox')
    .column('sent_at')
    .where(sql.ref('sent_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('mail_outbox_sent_at_idx').execute();
  await db.schema.dropIndex('one_time_tokens_expires_at_idx').execute();
  await db.schema.dropIndex('sessions_expires_at_idx').execute();
}
