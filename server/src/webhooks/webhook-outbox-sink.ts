import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database';
import type { AuditEventInput, AuditSink } from '../pipeline/audit-sink';
import { webhookEventTypeOf } from './webhook-event-types';
import { renderWebhookPayload } from './webhook-payload';
import { insertDeliveries, subscribedEndpointIds } from './webhook-queries';

/**
 * Writes one delivery per subscribed endpoint for an audit event that is a
 * webhook event, in the caller's transaction: the event is queued if and
 * only if the change commits. Returns how many deliveries were queued.
 */
export async function enqueueWebhookEvent(
  trx: Transaction<Database>,
  event: AuditEventInput,
): Promise<number> {
  const webhook = webhookEventTypeOf(event);
  if (!webhook) return 0;
  const endpoints = await subscribedEndpointIds(trx, webhook.orgId, webhook.type);
  if (endpoints.length === 0) return 0;
  const eventId = randomUUID();
  const payload = renderWebhookPayload({
    id: eventId,
    type: webhook.type,
    occurredAt: new Date(),
    orgId: webhook.orgId,
    actor: event.actor,
    target: event.target,
    details: event.details,
  });
  await insertDeliveries(
    trx,
    endpoints.map((e) => ({
      orgId: webhook.orgId,
      endpointId: e.id,
      eventId,
      eventType: webhook.type,
      payload,
    })),
  );
  return endpoints.length;
}

/**
 * The audit sink, with the webhook outbox behind it: every audit event that
 * is a webhook event also queues its deliveries, in the same transaction as
 * the audit row (and so as the change). Composed once in create-app.ts, so
 * no feature calls the outbox itself.
 */
export function withWebhookOutbox(inner: AuditSink): AuditSink {
  return {
    async append(db, event) {
      if (!webhookEventTypeOf(event)) return inner.append(db, event);
      if (db.isTransaction) {
        await inner.append(db, event);
        await enqueueWebhookEvent(db as Transaction<Database>, event);
        return;
      }
      await db.transaction().execute(async (trx) => {
        await inner.append(trx, event);
        await enqueueWebhookEvent(trx, event);
      });
    },
  };
}
