import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { AttemptLimiter } from '../auth/attempt-limiter';
import type { Database } from '../db/database';
import { AppError } from '../pipeline/app-error';
import type { MailMessage, PayloadCipher } from './mail-message';

/** Associated data binding an outbox payload to its row. */
export function mailAad(id: string): string {
  return `mail:${id}`;
}

/** What enqueueing needs: the key ring that seals the body, and the per-recipient cap. */
export interface MailDeps {
  readonly keyRing: PayloadCipher;
  /**
   * Mails per (kind, recipient) per window; the limiter hashes its keys, so the store holds no
   * address.
   */
  readonly mailCap: AttemptLimiter;
}

/**
 * Writes a mail to the outbox, inside the caller's transaction so that the
 * mail exists if and only if the change that causes it commits. The body may
 * hold a live link (reset, verification), so it is encrypted with the key ring.
 *
 * Every mail spends one unit of its recipient's budget for its kind
 * (MAIL_PER_RECIPIENT_PER_HOUR), so no caller can flood one mailbox. Over the
 * cap the mail is dropped silently (returns undefined) where saying so would
 * tell who has an account (sign-up notices, resets); a caller who is the
 * sender (an invitation) passes `whenCapped: 'refuse'` and gets
 * RECIPIENT_RATE_LIMITED, which rolls its transaction back.
 */
export async function enqueueMail(
  db: Kysely<Database> | Transaction<Database>,
  deps: MailDeps,
  kind: string,
  message: MailMessage,
  options?: { readonly whenCapped?: 'drop' | 'refuse' },
): Promise<string | undefined> {
  const spent = await deps.mailCap.hit(`${kind}:${message.to.toLowerCase()}`);
  if (spent.exceeded) {
    if (options?.whenCapped === 'refuse') {
      throw new AppError('RECIPIENT_RATE_LIMITED', {
        message: 'Too many mails to this address; try again later',
        retryAfterSeconds: Math.ceil(spent.retryAfterMs / 1000),
      });
    }
    return undefined;
  }
  const id = randomUUID();
  await db
    .insertInto('mail_outbox')
    .values({
      id,
      kind,
      to_address: message.to,
      payload: deps.keyRing.encrypt(
        JSON.stringify({ subject: message.subject, text: message.text }),
        mailAad(id),
      ),
    })
    .execute();
  return id;
}
