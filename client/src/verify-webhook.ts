/** Thrown by {@link verifyWebhook} when a request is not a genuine, fresh Gatehouse webhook. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly code: 'MISSING_HEADERS' | 'TIMESTAMP_OUT_OF_RANGE' | 'BAD_SIGNATURE' | 'BAD_PAYLOAD',
  ) {
    super(`webhook verification failed (${code})`);
    this.name = 'WebhookVerificationError';
  }
}

/** The body of a Gatehouse webhook (docs/webhooks.md). */
export interface WebhookEvent {
  readonly id: string;
  readonly type: string;
  readonly timestamp: string;
  readonly orgId: string;
  readonly actor: { readonly type: string; readonly id: string | null };
  readonly target: { readonly type: string; readonly id: string } | null;
  readonly data: Record<string, unknown> | null;
  readonly truncated?: true;
}

/** Headers as a fetch `Headers`, or a Node-style record (lower-case names). */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const value = record[name] ?? record[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Equal bytes, in time that depends only on the length. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Verifies a Gatehouse webhook per Standard Webhooks and returns its event:
 * an HMAC-SHA256 (WebCrypto) of `<webhook-id>.<webhook-timestamp>.<body>`
 * under the endpoint's `whsec_` secret must match one of the `v1,`
 * signatures (two during a secret rotation), compared in constant time, and
 * the timestamp must be within `toleranceSeconds` (5 minutes) of now.
 * Pass the raw body exactly as received.
 *
 * @example
 * const event = await verifyWebhook(
 *   await request.text(),
 *   request.headers,
 *   process.env.WEBHOOK_SECRET!,
 * );
 * if (await seenBefore(event.id)) return new Response(null, { status: 204 }); // at-least-once
 */
export async function verifyWebhook(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options?: { readonly toleranceSeconds?: number; readonly nowSeconds?: number },
): Promise<WebhookEvent> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('MISSING_HEADERS');
  const now = options?.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options?.toleranceSeconds ?? 300;
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > tolerance)
    throw new WebhookVerificationError('TIMESTAMP_OUT_OF_RANGE');
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  let keyBytes: Uint8Array<ArrayBuffer>;
  try {
    keyBytes = fromBase64(secret.startsWith('whsec_') ? secret.slice(6) : secret);
  } catch {
    throw new WebhookVerificationError('BAD_SIGNATURE');
  }
  const key = await crypto.subtle.importKey(
    'raw',
    keyBytes,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, signed));
  let matched = false;
  for (const candidate of signatures.split(' ')) {
    if (!candidate.startsWith('v1,')) continue;
    let given: Uint8Array;
    try {
      given = fromBase64(candidate.slice(3));
    } catch {
      continue;
    }
    // No early exit: every listed signature is compared.
    if (constantTimeEqual(given, expected)) matched = true;
  }
  if (!matched) throw new WebhookVerificationError('BAD_SIGNATURE');
  try {
    return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('BAD_PAYLOAD');
  }
}
