import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database';
import type { MailMessage, PayloadCipher } from './mail-message';

/** Associated data binding an outbox payload to its row. */
export function mailAad(id: string): string {
  return `mail:${id}`;
}

/**
 * Writes a mail to the outbox, inside the caller's transaction so that the
 * mail exists if and only if the change that causes it commits. The body may
 * hold a live link (reset, verification), so it is encrypted with the key ring.
 */
export async function enqueueMail(db: Kysely<Database> | Transaction<Database>, cipher: PayloadCipher, kind: string, message: MailMessage): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('mail_outbox')
    .values({ id, kind, to_address: message.to, payload: cipher.encrypt(JSON.stringify({ subject: message.subject, text: message.text }), mailAad(id)) })
    .execute();
  return id;
}
