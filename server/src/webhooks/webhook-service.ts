import { randomUUID } from 'node:crypto';
import type {
  CreateWebhookEndpointInput,
  Ok,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookEndpoint,
} from '@gatehouse/shared';
import { AppError } from '../pipeline/app-error';
import type { AuditAction } from '../audit/audit-actions';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import type { Tenant } from '../pipeline/tenant-scope';
import { decodeCreatedAtCursor, encodeCreatedAtCursor } from '../db/created-at-cursor';
import { toWebhookDelivery, toWebhookEndpoint } from './to-webhook';
import { assertDestinationAllowed, assertEndpointRoom } from './webhook-policy';
import { renderWebhookPayload } from './webhook-payload';
import {
  countEndpoints,
  deleteEndpoint,
  findDelivery,
  findEndpoint,
  findEndpointSecret,
  insertDeliveries,
  insertEndpoint,
  listDeliveries,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from './webhook-queries';
import { generateWebhookSecret, sealWebhookSecret, webhookSecretAad } from './webhook-secret';

/** What every webhook operation receives: the caller and their tenant transaction. */
export type WebhookContext = Context & { principal: Principal; tenant: Tenant };

const NOT_FOUND = (what = 'webhook endpoint'): AppError =>
  new AppError('NOT_FOUND', { message: `No such ${what}` });

function audit(
  ctx: WebhookContext,
  action: AuditAction,
  target: { type: string; id: string },
  details?: Record<string, unknown>,
): Promise<void> {
  // ctx.audit is bound to the tenant's org by the org-scoped step.
  return ctx.audit.record(ctx.tenant.db, action, { target, ...(details ? { details } : {}) });
}

/** Registers an endpoint; its signing secret is returned here once and kept sealed. */
export async function createEndpoint(
  ctx: WebhookContext,
  input: CreateWebhookEndpointInput,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const { db, orgId } = ctx.tenant;
  const url = assertDestinationAllowed(input.url, ctx.deps.config.webhooks);
  assertEndpointRoom(await countEndpoints(db, orgId));
  const id = randomUUID();
  const secret = generateWebhookSecret();
  const row = await insertEndpoint(db, {
    id,
    orgId,
    url,
    description: input.description ?? null,
    eventTypes: [...new Set(input.eventTypes)],
    sealedSecret: sealWebhookSecret(ctx.deps.keyRing, id, secret),
    createdBy: ctx.principal.userId,
  });
  await audit(
    ctx,
    'webhook.create',
    { type: 'webhook_endpoint', id },
    {
      eventTypes: row.event_types,
    },
  );
  return { endpoint: toWebhookEndpoint(row), secret };
}

export async function listOrgEndpoints(
  ctx: WebhookContext,
): Promise<{ endpoints: WebhookEndpoint[] }> {
  const rows = await listEndpoints(ctx.tenant.db, ctx.tenant.orgId);
  return { endpoints: rows.map(toWebhookEndpoint) };
}

export async function changeEndpoint(
  ctx: WebhookContext,
  input: UpdateWebhookEndpointInput,
): Promise<WebhookEndpoint> {
  const { db, orgId } = ctx.tenant;
  const url =
    input.patch.url !== undefined
      ? assertDestinationAllowed(input.patch.url, ctx.deps.config.webhooks)
      : undefined;
  const row = await updateEndpoint(db, orgId, input.id, {
    url,
    description: input.patch.description,
    eventTypes: input.patch.eventTypes ? [...new Set(input.patch.eventTypes)] : undefined,
    status: input.patch.enabled ? 'active' : undefined,
  });
  if (!row) throw NOT_FOUND();
  await audit(
    ctx,
    'webhook.update',
    { type: 'webhook_endpoint', id: row.id },
    {
      fields: Object.keys(input.patch),
    },
  );
  return toWebhookEndpoint(row);
}

/** Stops deliveries to the endpoint; what is queued waits until it is enabled again. */
export async function disableEndpoint(ctx: WebhookContext, id: string): Promise<WebhookEndpoint> {
  const row = await updateEndpoint(ctx.tenant.db, ctx.tenant.orgId, id, { status: 'disabled' });
  if (!row) throw NOT_FOUND();
  await audit(ctx, 'webhook.disable', { type: 'webhook_endpoint', id });
  return toWebhookEndpoint(row);
}

export async function removeEndpoint(ctx: WebhookContext, id: string): Promise<Ok> {
  const deleted = await deleteEndpoint(ctx.tenant.db, ctx.tenant.orgId, id);
  if (Number(deleted.numDeletedRows) === 0) throw NOT_FOUND();
  await audit(ctx, 'webhook.delete', { type: 'webhook_endpoint', id });
  return { ok: true };
}

/**
 * A new signing secret, returned once; the previous one keeps signing
 * (a second signature in `webhook-signature`) for `graceSeconds`.
 */
export async function rotateSecret(
  ctx: WebhookContext,
  id: string,
  graceSeconds: number,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const { db, orgId } = ctx.tenant;
  const current = await findEndpointSecret(db, orgId, id);
  if (!current) throw NOT_FOUND();
  const keyRing = ctx.deps.keyRing;
  const previous = keyRing.decrypt(current.secret, webhookSecretAad(id));
  const secret = generateWebhookSecret();
  const row = await rotateEndpointSecret(
    db,
    orgId,
    id,
    {
      current: sealWebhookSecret(keyRing, id, secret),
      previous: sealWebhookSecret(keyRing, id, previous, 'previous'),
    },
    new Date(Date.now() + graceSeconds * 1000),
  );
  if (!row) throw NOT_FOUND();
  await audit(ctx, 'webhook.rotate_secret', { type: 'webhook_endpoint', id }, { graceSeconds });
  return { endpoint: toWebhookEndpoint(row), secret };
}

/** Queues a `webhook.test` event to this one endpoint. */
export async function sendTestEvent(ctx: WebhookContext, id: string): Promise<{ eventId: string }> {
  const { db, orgId } = ctx.tenant;
  const endpoint = await findEndpoint(db, orgId, id);
  if (!endpoint) throw NOT_FOUND();
  const eventId = randomUUID();
  await insertDeliveries(db, [
    {
      orgId,
      endpointId: id,
      eventId,
      eventType: 'webhook.test',
      payload: renderWebhookPayload({
        id: eventId,
        type: 'webhook.test',
        occurredAt: new Date(),
        orgId,
        actor: ctx.audit.actor,
        target: { type: 'webhook_endpoint', id },
      }),
    },
  ]);
  await audit(ctx, 'webhook.send_test', { type: 'webhook_endpoint', id });
  return { eventId };
}

/** One page of an endpoint's deliveries, newest first. */
export async function listEndpointDeliveries(
  ctx: WebhookContext,
  input: { endpointId: string; cursor?: string | undefined; limit: number },
): Promise<{ deliveries: WebhookDelivery[]; nextCursor: string | null }> {
  const { db, orgId } = ctx.tenant;
  if (!(await findEndpoint(db, orgId, input.endpointId))) throw NOT_FOUND();
  const after = input.cursor !== undefined ? decodeCreatedAtCursor(input.cursor) : undefined;
  const rows = await listDeliveries(db, {
    orgId,
    endpointId: input.endpointId,
    after,
    limit: input.limit,
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    deliveries: page.map(toWebhookDelivery),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCreatedAtCursor({ createdAt: last.created_at_exact, id: last.id })
        : null,
  };
}

/**
 * Sends one delivery's event again: a new delivery of the same payload and
 * event id (the `webhook-id` a receiver de-duplicates on).
 */
export async function redeliver(ctx: WebhookContext, deliveryId: string): Promise<WebhookDelivery> {
  const { db, orgId } = ctx.tenant;
  const original = await findDelivery(db, orgId, deliveryId);
  if (!original) throw NOT_FOUND('webhook delivery');
  const id = randomUUID();
  await insertDeliveries(db, [
    {
      id,
      orgId,
      endpointId: original.endpoint_id,
      eventId: original.event_id,
      eventType: original.event_type,
      payload: original.payload,
    },
  ]);
  await audit(ctx, 'webhook.redeliver', { type: 'webhook_delivery', id: deliveryId });
  const row = await findDelivery(db, orgId, id);
  if (!row) throw new AppError('INTERNAL');
  return toWebhookDelivery(row);
}
