import { sql, type DeleteResult, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, WebhookDeliveriesTable, WebhookEndpointsTable } from '../db/database';
import type { CreatedAtCursor } from '../db/created-at-cursor';
import { createdAtExact, createdAtPage } from '../db/created-at-page';

type Db = Kysely<Database> | Transaction<Database>;

const ENDPOINT_COLUMNS = [
  'id',
  'org_id',
  'url',
  'description',
  'event_types',
  'status',
  'previous_secret_expires_at',
  'created_at',
  'updated_at',
] as const;

/** An endpoint as queries return it (never its sealed secrets). */
export type EndpointRow = Pick<
  Selectable<WebhookEndpointsTable>,
  (typeof ENDPOINT_COLUMNS)[number]
>;

// Every endpoint query takes the org: an endpoint id alone never finds a row.

export function findEndpoint(db: Db, orgId: string, id: string): Promise<EndpointRow | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .select(ENDPOINT_COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listEndpoints(db: Db, orgId: string): Promise<EndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .select(ENDPOINT_COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function countEndpoints(db: Db, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function insertEndpoint(
  db: Db,
  row: {
    id: string;
    orgId: string;
    url: string;
    description: string | null;
    eventTypes: readonly string[];
    sealedSecret: string;
    createdBy: string;
  },
): Promise<EndpointRow> {
  return db
    .insertInto('webhook_endpoints')
    .values({
      id: row.id,
      org_id: row.orgId,
      url: row.url,
      description: row.description,
      event_types: [...row.eventTypes],
      secret: row.sealedSecret,
      created_by: row.createdBy,
    })
    .returning(ENDPOINT_COLUMNS)
    .executeTakeFirstOrThrow();
}

export function updateEndpoint(
  db: Db,
  orgId: string,
  id: string,
  patch: {
    url?: string | undefined;
    description?: string | null | undefined;
    eventTypes?: readonly string[] | undefined;
    status?: 'active' | 'disabled' | undefined;
  },
): Promise<EndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.eventTypes !== undefined ? { event_types: [...patch.eventTypes] } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      updated_at: sql`now()`,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returning(ENDPOINT_COLUMNS)
    .executeTakeFirst();
}

/** The new secret signs from now; the previous one keeps signing too until `previousUntil`. */
export function rotateEndpointSecret(
  db: Db,
  orgId: string,
  id: string,
  sealed: { current: string; previous: string },
  previousUntil: Date,
): Promise<EndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set({
      secret: sealed.current,
      previous_secret: sealed.previous,
      previous_secret_expires_at: previousUntil,
      updated_at: sql`now()`,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returning(ENDPOINT_COLUMNS)
    .executeTakeFirst();
}

export function findEndpointSecret(
  db: Db,
  orgId: string,
  id: string,
): Promise<Pick<Selectable<WebhookEndpointsTable>, 'id' | 'secret'> | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .select(['id', 'secret'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function deleteEndpoint(db: Db, orgId: string, id: string): Promise<DeleteResult> {
  return db
    .deleteFrom('webhook_endpoints')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The org's endpoints subscribed to `type` that still receive events (active or failing). */
export function subscribedEndpointIds(
  db: Db,
  orgId: string,
  type: string,
): Promise<{ id: string }[]> {
  return db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('org_id', '=', orgId)
    .where('status', '<>', 'disabled')
    .where(sql<boolean>`${type} = any (event_types)`)
    .execute();
}

export async function insertDeliveries(
  db: Db,
  rows: readonly {
    id?: string;
    orgId: string;
    endpointId: string;
    eventId: string;
    eventType: string;
    payload: string;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(
      rows.map((r) => ({
        ...(r.id !== undefined ? { id: r.id } : {}),
        org_id: r.orgId,
        endpoint_id: r.endpointId,
        event_id: r.eventId,
        event_type: r.eventType,
        payload: r.payload,
      })),
    )
    .execute();
}

const DELIVERY_COLUMNS = [
  'id',
  'endpoint_id',
  'event_id',
  'event_type',
  'payload',
  'status',
  'attempts',
  'last_status',
  'last_error',
  'next_attempt_at',
  'delivered_at',
  'created_at',
  'org_id',
] as const;

/** A delivery as queries return it. */
export type DeliveryRow = Pick<
  Selectable<WebhookDeliveriesTable>,
  (typeof DELIVERY_COLUMNS)[number]
>;

export function findDelivery(db: Db, orgId: string, id: string): Promise<DeliveryRow | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .select(DELIVERY_COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A page of an endpoint's deliveries, newest first, after the keyset position (limit + 1 rows). */
export function listDeliveries(
  db: Db,
  options: { orgId: string; endpointId: string; after: CreatedAtCursor | undefined; limit: number },
): Promise<(DeliveryRow & { created_at_exact: string })[]> {
  const q = db
    .selectFrom('webhook_deliveries')
    .select(DELIVERY_COLUMNS)
    .select(createdAtExact.as('created_at_exact'))
    .where('org_id', '=', options.orgId)
    .where('endpoint_id', '=', options.endpointId);
  return createdAtPage(q, options.after, options.limit).execute();
}
