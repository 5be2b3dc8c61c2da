import { exportAad } from '../account/export-aad';
import { mailAad } from '../mail/enqueue-mail';
import { totpAad } from '../mfa/totp-secret';
import { previousWebhookSecretAad, webhookSecretAad } from '../webhooks/webhook-secret';

/**
 * Every column that holds key-ring ciphertext, with the associated data its
 * rows were sealed with. `pnpm gatehouse keys reencrypt` walks this list;
 * a feature that stores a new kind of secret registers its column here.
 */
export interface EncryptedColumn {
  readonly table: string;
  readonly idColumn: string;
  readonly column: string;
  /** The associated data, from the row's id. */
  aad(id: string): string;
}

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'mail_outbox', idColumn: 'id', column: 'payload', aad: mailAad },
  { table: 'mfa_totp', idColumn: 'user_id', column: 'secret', aad: totpAad },
  // Must match signing-keys.ts (`jwt:<kid>`); server/test/crypto/reencrypt-columns.test.ts proves
  // it.
  { table: 'jwt_signing_keys', idColumn: 'kid', column: 'private_key', aad: (id) => `jwt:${id}` },
  { table: 'webhook_endpoints', idColumn: 'id', column: 'secret', aad: webhookSecretAad },
  {
    table: 'webhook_endpoints',
    idColumn: 'id',
    column: 'previous_secret',
    aad: previousWebhookSecretAad,
  },
  { table: 'data_exports', idColumn: 'id', column: 'document', aad: exportAad },
];
