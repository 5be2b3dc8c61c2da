import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

/** What `orgs.update` may change. */
export interface OrgPatch {
  readonly name?: string | undefined;
  readonly requireMfa?: boolean | undefined;
  readonly requireProvider?: string | null | undefined;
  readonly memberEmailDomain?: string | null | undefined;
}

/** An org as its mapper reads it. */
export interface OrgRow {
  readonly id: string;
  readonly name: string;
  readonly require_mfa: boolean;
  readonly require_provider: string | null;
  readonly member_email_domain: string | null;
  readonly created_at: Date;
}

const ORG_COLUMNS = [
  'id',
  'name',
  'require_mfa',
  'require_provider',
  'member_email_domain',
  'created_at',
] as const;

export function insertOrg(
  db: Db,
  org: { id: string; name: string; createdBy: string },
): Promise<OrgRow> {
  return db
    .insertInto('orgs')
    .values({ id: org.id, name: org.name, created_by: org.createdBy })
    .returning(ORG_COLUMNS)
    .executeTakeFirstOrThrow();
}

export function findOrg(db: Db, orgId: string): Promise<OrgRow | undefined> {
  return db.selectFrom('orgs').select(ORG_COLUMNS).where('id', '=', orgId).executeTakeFirst();
}

/** Applies the fields given; undefined when the org does not exist (or is not visible). */
export function updateOrgRow(db: Db, orgId: string, patch: OrgPatch): Promise<OrgRow | undefined> {
  return db
    .updateTable('orgs')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.requireMfa !== undefined ? { require_mfa: patch.requireMfa } : {}),
      ...(patch.requireProvider !== undefined ? { require_provider: patch.requireProvider } : {}),
      ...(patch.memberEmailDomain !== undefined
        ? { member_email_domain: patch.memberEmailDomain }
        : {}),
      // An empty patch still returns the row.
      id: sql`id`,
    })
    .where('id', '=', orgId)
    .returning(ORG_COLUMNS)
    .executeTakeFirst();
}
