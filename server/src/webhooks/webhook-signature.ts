import { createHmac } from 'node:crypto';

/** The three Standard Webhooks headers of one attempt. */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** The key bytes of a `whsec_<base64>` secret. */
function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/**
 * Signs per Standard Webhooks: `v1,` + base64 HMAC-SHA256 of
 * `<id>.<timestamp>.<body>` under each secret, space separated (during a
 * rotation both the new and the old secret sign, so receivers on either verify).
 */
export function signWebhook(
  id: string,
  timestampSeconds: number,
  body: string,
  secrets: readonly string[],
): WebhookHeaders {
  const content = `${id}.${timestampSeconds}.${body}`;
  const signatures = secrets.map(
    (s) => `v1,${createHmac('sha256', secretKey(s)).update(content, 'utf8').digest('base64')}`,
  );
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures.join(' '),
  };
}
