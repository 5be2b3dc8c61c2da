import type { WebhookDelivery, WebhookEndpoint, WebhookEventType } from '@gatehouse/shared';
import type { DeliveryRow, EndpointRow } from './webhook-queries';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** The endpoint as callers see it: never its secret (the output schema is the allow-list). */
export function toWebhookEndpoint(row: EndpointRow): WebhookEndpoint {
  const previousUntil =
    row.previous_secret_expires_at &&
    new Date(row.previous_secret_expires_at).getTime() > Date.now()
      ? iso(row.previous_secret_expires_at)
      : null;
  return {
    id: row.id,
    orgId: row.org_id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types as WebhookEventType[],
    status: row.status,
    rotationGraceUntil: previousUntil,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function toWebhookDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at),
    createdAt: new Date(row.created_at).toISOString(),
  };
}
