import {
  CreateWebhookEndpointInput,
  ListWebhookDeliveriesInput,
  Ok,
  RotateWebhookSecretInput,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookDeliveryRef,
  WebhookEndpoint,
  WebhookEndpointList,
  WebhookEndpointRef,
  WebhookEndpointWithSecret,
} from '@gatehouse/shared';
import { z } from 'zod';
import { orgProcedure } from '../pipeline/org-procedure';
import { router } from '../pipeline/trpc';
import {
  changeEndpoint,
  createEndpoint,
  disableEndpoint,
  listEndpointDeliveries,
  listOrgEndpoints,
  redeliver,
  removeEndpoint,
  rotateSecret,
  sendTestEvent,
} from './webhook-service';

const OrgOnly = z.strictObject({ orgId: z.uuid() });

/**
 * Webhook endpoints of an organization (owners and admins: `webhook:manage`).
 * Creating one and rotating its secret return the signing secret once, so
 * they need a step-up session; every query runs in the caller's tenant
 * transaction, so another org's endpoint is NOT_FOUND.
 */
export const webhooksRouter = router({
  create: orgProcedure
    .meta({
      permission: 'webhook:manage',
      stepUp: true,
      returnsSecret: true,
      summary: 'Register a webhook endpoint for event types of the closed list (secret shown once)',
    })
    .input(CreateWebhookEndpointInput)
    .output(WebhookEndpointWithSecret)
    .mutation(({ ctx, input }) => createEndpoint(ctx, input)),
  list: orgProcedure
    .meta({ permission: 'webhook:manage', summary: "The organization's webhook endpoints" })
    .input(OrgOnly)
    .output(WebhookEndpointList)
    .query(({ ctx }) => listOrgEndpoints(ctx)),
  update: orgProcedure
    .meta({
      permission: 'webhook:manage',
      summary: 'Change URL, event types or description; `enabled: true` re-enables',
    })
    .input(UpdateWebhookEndpointInput)
    .output(WebhookEndpoint)
    .mutation(({ ctx, input }) => changeEndpoint(ctx, input)),
  disable: orgProcedure
    .meta({ permission: 'webhook:manage', summary: 'Stop deliveries to an endpoint (kept queued)' })
    .input(WebhookEndpointRef)
    .output(WebhookEndpoint)
    .mutation(({ ctx, input }) => disableEndpoint(ctx, input.id)),
  delete: orgProcedure
    .meta({ permission: 'webhook:manage', summary: 'Delete an endpoint and its deliveries' })
    .input(WebhookEndpointRef)
    .output(Ok)
    .mutation(({ ctx, input }) => removeEndpoint(ctx, input.id)),
  rotateSecret: orgProcedure
    .meta({
      permission: 'webhook:manage',
      stepUp: true,
      returnsSecret: true,
      summary: 'New signing secret (shown once); the old one also signs for a grace period',
    })
    .input(RotateWebhookSecretInput)
    .output(WebhookEndpointWithSecret)
    .mutation(({ ctx, input }) => rotateSecret(ctx, input.id, input.graceSeconds)),
  sendTest: orgProcedure
    .meta({ permission: 'webhook:manage', summary: 'Queue a webhook.test event to one endpoint' })
    .input(WebhookEndpointRef)
    .output(z.strictObject({ eventId: z.uuid() }))
    .mutation(({ ctx, input }) => sendTestEvent(ctx, input.id)),
  listDeliveries: orgProcedure
    .meta({
      permission: 'webhook:manage',
      summary: "An endpoint's deliveries with status, newest first; cursor-paginated",
    })
    .input(ListWebhookDeliveriesInput)
    .output(WebhookDeliveryPage)
    .query(({ ctx, input }) => listEndpointDeliveries(ctx, input)),
  redeliver: orgProcedure
    .meta({
      permission: 'webhook:manage',
      summary: 'Send one delivery again (same event id, for de-duplication)',
    })
    .input(WebhookDeliveryRef)
    .output(WebhookDelivery)
    .mutation(({ ctx, input }) => redeliver(ctx, input.deliveryId)),
});
