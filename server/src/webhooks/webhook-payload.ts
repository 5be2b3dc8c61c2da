import { redactDetails } from '../audit/redact-details';

/**
 * The largest payload stored and sent; an event's `data` beyond it is dropped
 * (`truncated: true`).
 */
export const MAX_WEBHOOK_PAYLOAD_BYTES = 16 * 1024;

/** What a receiver gets as the request body (docs/webhooks.md). */
export interface WebhookPayload {
  readonly id: string;
  readonly type: string;
  readonly timestamp: string;
  readonly orgId: string;
  readonly actor: { readonly type: string; readonly id: string | null };
  readonly target: { readonly type: string; readonly id: string } | null;
  readonly data: Record<string, unknown> | null;
  readonly truncated?: true;
}

/** The body of one event, as the exact JSON text signed and sent, within the size bound. */
export function renderWebhookPayload(event: {
  id: string;
  type: string;
  occurredAt: Date;
  orgId: string;
  actor: { type: string; id: string | null };
  target?: { type: string; id: string } | undefined;
  details?: Record<string, unknown> | undefined;
}): string {
  const payload: WebhookPayload = {
    id: event.id,
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    orgId: event.orgId,
    actor: { type: event.actor.type, id: event.actor.id },
    target: event.target ? { type: event.target.type, id: event.target.id } : null,
    data: event.details ? redactDetails(event.details) : null,
  };
  const text = JSON.stringify(payload);
  if (Buffer.byteLength(text) <= MAX_WEBHOOK_PAYLOAD_BYTES) return text;
  return JSON.stringify({ ...payload, data: null, truncated: true });
}
