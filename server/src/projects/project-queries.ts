import { sql, type DeleteResult, type Transaction } from 'kysely';
import type { Database } from '../db/database';
import type { CreatedAtCursor } from '../db/created-at-cursor';
import { createdAtExact, createdAtPage } from '../db/created-at-page';
import { isoTimestamp } from '../db/iso-timestamp';
import { containsPattern } from '../db/like-pattern';

type Trx = Transaction<Database>;

const COLUMNS = [
  'id',
  'org_id',
  'owner_id',
  'name',
  'description',
  'version',
  // Not aliased to the columns' own names: ORDER BY created_at must mean the column.
  isoTimestamp('created_at').as('created_iso'),
  isoTimestamp('updated_at').as('updated_iso'),
] as const;

/** A project as the queries return it (timestamps as the API's ISO strings). */
export interface ProjectRow {
  readonly id: string;
  readonly org_id: string;
  readonly owner_id: string | null;
  readonly name: string;
  readonly description: string | null;
  readonly version: number;
  readonly created_iso: string;
  readonly updated_iso: string;
}

// Every query takes the org: a project id alone never finds a row.

export function findProject(db: Trx, orgId: string, id: string): Promise<ProjectRow | undefined> {
  return db
    .selectFrom('projects')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function insertProject(
  db: Trx,
  row: { orgId: string; ownerId: string; name: string; description: string | null },
): Promise<ProjectRow> {
  return db
    .insertInto('projects')
    .values({
      org_id: row.orgId,
      owner_id: row.ownerId,
      name: row.name,
      description: row.description,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

/**
 * A page newest-first, after the (created_at, id) keyset position: no
 * OFFSET, no COUNT; one row more than asked tells whether another page exists.
 */
export function listProjects(
  db: Trx,
  options: {
    orgId: string;
    nameContains: string | undefined;
    after: CreatedAtCursor | undefined;
    limit: number;
  },
): Promise<(ProjectRow & { created_at_exact: string })[]> {
  let q = db
    .selectFrom('projects')
    .select(COLUMNS)
    .select(createdAtExact.as('created_at_exact'))
    .where('org_id', '=', options.orgId);
  if (options.nameContains !== undefined)
    q = q.where('name', 'ilike', containsPattern(options.nameContains));
  return createdAtPage(q, options.after, options.limit).execute();
}

/**
 * Applies a change only at the expected version (optimistic concurrency); undefined when stale or
 * gone.
 */
export function updateProjectAtVersion(
  db: Trx,
  orgId: string,
  id: string,
  version: number,
  patch: { name?: string | undefined; description?: string | null | undefined },
): Promise<ProjectRow | undefined> {
  return db
    .updateTable('projects')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returning(COLUMNS)
    .executeTakeFirst();
}

export function deleteProject(db: Trx, orgId: string, id: string): Promise<DeleteResult> {
  return db
    .deleteFrom('projects')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}
