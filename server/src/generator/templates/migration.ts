import { migrationColumnOf } from '../field-code';
import { wrapComment } from '../wrap-comment';
import { headerOf, type Resource } from '../resource';

/** `migrations/NNNN_<plural>.ts`: the table, its page index and its tenant (or owner) policy. */
export function migrationFile(r: Resource): string {
  const t = r.names.table;
  const personal = r.personal;
  const about = personal
    ? `${r.names.pascalPlural}, one user's rows each: the keyset page index, and row-level ` +
      'security in the form of the other tenant tables (migration 0008), keyed by the owner: ' +
      "rows are visible to `gatehouse_app` only when their `owner_id` is the transaction's " +
      '`gatehouse.user_id` setting, and an empty or missing setting allows none. Deleting the ' +
      'user deletes their rows.'
    : `${r.names.pascalPlural}, one organization's rows each: the keyset page index, and ` +
      'row-level security in the form of the other tenant tables (migration 0008): rows are ' +
      "visible to `gatehouse_app` only for the orgs of the transaction's `gatehouse.org_ids` " +
      'setting, and an empty or missing setting allows none.';
  const setting = personal
    ? "const userId = sql`nullif(current_setting('gatehouse.user_id', true), '')::uuid`;"
    : "const orgIds = sql`string_to_array(nullif(current_setting('gatehouse.org_ids', true), " +
      "''),\n    ',')::uuid[]`;";
  const ownership = personal
    ? `    .addColumn('owner_id', 'uuid', (col) =>
      col.notNull().references('users.id').onDelete('cascade'),
    )`
    : `    .addColumn('org_id', 'uuid', (col) =>
      col.notNull().references('orgs.id').onDelete('cascade'),
    )
    .addColumn('owner_id', 'uuid', (col) => col.references('users.id').onDelete('set null'))`;
  const scope = personal ? 'owner' : 'org';
  const column = personal ? 'owner_id' : 'org_id';
  const policy = `${t}_${personal ? 'owner' : 'tenant'}`;
  const allowed = personal ? 'owner_id = ${userId}' : 'org_id = any (${orgIds})';
  return `${headerOf(r)}
import { type Kysely, sql } from 'kysely';

/**
${wrapComment(about, ' * ')}
 */
${setting}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('${t}')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql\`gen_random_uuid()\`))
${ownership}
${r.fields.map((f) => `    ${migrationColumnOf(f)}`).join('\n')}
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql\`now()\`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql\`now()\`))
    .execute();
  // Keyset pagination: newest first within ${personal ? "an owner's rows" : 'an org'}.
  await db.schema
    .createIndex('${t}_${scope}_page_idx')
    .on('${t}')
    .columns(['${column}', 'created_at', 'id'])
    .execute();
  await sql\`alter table ${t} enable row level security\`.execute(db);
  await sql\`alter table ${t} force row level security\`.execute(db);
  await sql\`create policy ${policy} on ${t} using (${allowed}) with check
      (${allowed})\`.execute(db);
  await sql\`grant select, insert, update, delete on ${t} to gatehouse_app\`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('${t}').execute();
}
`;
}
