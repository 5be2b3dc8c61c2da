import { z } from 'zod';
import { IsoDate } from './common';

/**
 * The closed list of events an endpoint may subscribe to. Each is one
 * audit action that carries an organization (server/src/webhooks/webhook-event-types.ts).
 * `webhook.test` is sent only by `webhooks.sendTest`, to the one endpoint.
 */
export const WEBHOOK_EVENT_TYPES = [
  'org.updated',
  'org.member.invited',
  'org.member.joined',
  'org.member.role_changed',
  'org.member.removed',
  'org.member.left',
  'project.created',
  'project.updated',
  'project.deleted',
  'api_key.created',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const EventType = z.enum(WEBHOOK_EVENT_TYPES);
/** Scheme and host rules are checked by the server (https in production, SSRF ranges). */
const EndpointUrl = z.string().trim().min(1).max(2048);
const Description = z.string().trim().max(500);
const Cursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,512}$/)
  .optional();

export const WebhookEndpointRef = z.strictObject({ orgId: z.uuid(), id: z.uuid() });

export const CreateWebhookEndpointInput = z.strictObject({
  orgId: z.uuid(),
  url: EndpointUrl,
  eventTypes: z.array(EventType).min(1).max(WEBHOOK_EVENT_TYPES.length),
  description: Description.optional(),
});
export type CreateWebhookEndpointInput = z.infer<typeof CreateWebhookEndpointInput>;

export const UpdateWebhookEndpointInput = z.strictObject({
  orgId: z.uuid(),
  id: z.uuid(),
  patch: z.strictObject({
    url: EndpointUrl.optional(),
    eventTypes: z.array(EventType).min(1).max(WEBHOOK_EVENT_TYPES.length).optional(),
    description: Description.nullable().optional(),
    /** `true` re-enables a disabled or failing endpoint. */
    enabled: z.literal(true).optional(),
  }),
});
export type UpdateWebhookEndpointInput = z.infer<typeof UpdateWebhookEndpointInput>;

export const RotateWebhookSecretInput = z.strictObject({
  orgId: z.uuid(),
  id: z.uuid(),
  /** How long the old secret keeps signing too (both signatures are sent); at most 7 days. */
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(86_400),
});
export type RotateWebhookSecretInput = z.input<typeof RotateWebhookSecretInput>;

export const WebhookEndpoint = z.strictObject({
  id: z.uuid(),
  orgId: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(EventType),
  /**
   * `failing`: deliveries were given up after retrying for 3 days; the org's
   * admins were mailed.
   */
  status: z.enum(['active', 'disabled', 'failing']),
  rotationGraceUntil: IsoDate.nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** The signing secret (`whsec_` + base64) appears here once; the server keeps it sealed. */
export const WebhookEndpointWithSecret = z.strictObject({
  endpoint: WebhookEndpoint,
  secret: z.string(),
});

export const WebhookEndpointList = z.strictObject({ endpoints: z.array(WebhookEndpoint) });

export const ListWebhookDeliveriesInput = z.strictObject({
  orgId: z.uuid(),
  endpointId: z.uuid(),
  cursor: Cursor,
  limit: z.number().int().min(1).max(100).default(20),
});
export type ListWebhookDeliveriesInput = z.input<typeof ListWebhookDeliveriesInput>;

export const WebhookDelivery = z.strictObject({
  id: z.uuid(),
  endpointId: z.uuid(),
  /** The `webhook-id` header: the same for every attempt and redelivery of one event. */
  eventId: z.uuid(),
  eventType: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: IsoDate.nullable(),
  deliveredAt: IsoDate.nullable(),
  createdAt: IsoDate,
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryPage = z.strictObject({
  deliveries: z.array(WebhookDelivery),
  nextCursor: z.string().nullable(),
});

export const WebhookDeliveryRef = z.strictObject({ orgId: z.uuid(), deliveryId: z.uuid() });
