import { randomBytes } from 'node:crypto';
import type { PayloadCipher } from '../mail/mail-message';

/** Associated data sealing an endpoint's current signing secret to its row. */
export function webhookSecretAad(endpointId: string): string {
  return `webhook:${endpointId}`;
}

/** Associated data of the previous secret during a rotation's grace period. */
export function previousWebhookSecretAad(endpointId: string): string {
  return `webhook:${endpointId}:previous`;
}

/** A new signing secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Seals a secret for its column (the database never holds it in a usable form). */
export function sealWebhookSecret(
  cipher: PayloadCipher,
  endpointId: string,
  secret: string,
  which: 'current' | 'previous' = 'current',
): string {
  const aad =
    which === 'current' ? webhookSecretAad(endpointId) : previousWebhookSecretAad(endpointId);
  return cipher.encrypt(secret, aad);
}

/**
 * The secrets an endpoint signs with now: the current one, and the previous
 * while its grace lasts.
 */
export function openWebhookSecrets(
  cipher: PayloadCipher,
  row: {
    id: string;
    secret: string;
    previous_secret: string | null;
    previous_secret_expires_at: Date | null;
  },
  now: Date,
): string[] {
  const secrets = [cipher.decrypt(row.secret, webhookSecretAad(row.id))];
  if (
    row.previous_secret &&
    row.previous_secret_expires_at &&
    new Date(row.previous_secret_expires_at).getTime() > now.getTime()
  )
    secrets.push(cipher.decrypt(row.previous_secret, previousWebhookSecretAad(row.id)));
  return secrets;
}
