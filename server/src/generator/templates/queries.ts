import { rowTypeOf } from '../field-code';
import { headerOf, scopeOf, type Resource } from '../resource';

/** `server/src/<plural>/<name>-queries.ts`: every statement, each taking the org (or owner). */
export function queriesFile(r: Resource): string {
  const n = r.names;
  const plain = r.fields.filter((f) => f.kind !== 'date');
  const dates = r.fields.filter((f) => f.kind === 'date');
  const sc = scopeOf(r);
  const ownership = r.personal ? ['owner_id'] : ['org_id', 'owner_id'];
  const columns = ['id', ...ownership, ...plain.map((f) => f.column)];
  const dateSelects = dates.map(
    (f) => `  sql<${rowTypeOf(f)}>\`to_char(${f.column}, 'YYYY-MM-DD')\`.as('${f.column}'),`,
  );
  const rowFields = r.fields.map((f) => `  ${f.column}: ${rowTypeOf(f)};`);
  const insertValues = r.fields.map((f) => `      ${f.column}: row.${f.name},`);
  const insertTypes = r.fields.map(
    (f) =>
      `    ${f.name}${f.defaultValue !== undefined ? '?' : ''}: ` +
      `${rowTypeOf(f).replace('Date', 'string')}` +
      `${f.defaultValue !== undefined ? ' | undefined' : ''};`,
  );
  const patchTypes = r.fields.map(
    (f) => `    ${f.name}?: ${rowTypeOf(f).replace('Date', 'string')} | undefined;`,
  );
  const patchSets = r.fields.map(
    (f) => `      ...(patch.${f.name} !== undefined ? { ${f.column}: patch.${f.name} } : {}),`,
  );
  const s = r.search;
  const every = r.personal
    ? "owner: an id alone never finds a row, not even as the tables' owner"
    : 'org: an id alone never finds a row, even for a caller in several orgs';
  const likeImport = "\nimport { containsPattern } from '../db/like-pattern';";
  return `${headerOf(r)}
import { sql, type DeleteResult, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { CreatedAtCursor } from '../db/created-at-cursor';
import { createdAtExact, createdAtPage } from '../db/created-at-page';
import type { Database } from '../db/database';${s ? likeImport : ''}

type Trx = Transaction<Database>;

/** A ${n.words} as the queries return it. */
export interface ${n.pascal}Row {
  id: string;
${r.personal ? '  owner_id: string;' : '  org_id: string;\n  owner_id: string | null;'}
${rowFields.join('\n')}
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** What every statement selects or returns${dates.length > 0 ? ' (dates as text)' : ''}. */
const SELECTION = [
${columns.map((c) => `  '${c}',`).join('\n')}
${dateSelects.join('\n')}${dateSelects.length > 0 ? '\n' : ''}  'version',
  'created_at',
  'updated_at',
] as const;

// Every query takes the ${every}.

export function find${n.pascal}(
  db: Trx,
  ${sc.param}: string,
  id: string,
): Promise<${n.pascal}Row | undefined> {
  return db
    .selectFrom('${n.table}')
    .select(SELECTION)
    .where('${sc.column}', '=', ${sc.param})
    .where('id', '=', id)
    .executeTakeFirst();
}

export function insert${n.pascal}(
  db: Trx,
  row: {
${r.personal ? '' : '    orgId: string;\n'}    ownerId: string;
${insertTypes.join('\n')}
  },
): Promise<${n.pascal}Row> {
  return db
    .insertInto('${n.table}')
    .values({
${r.personal ? '' : '      org_id: row.orgId,\n'}      owner_id: row.ownerId,
${insertValues.join('\n')}
    })
    .returning(SELECTION)
    .executeTakeFirstOrThrow();
}
export interface List${n.pascalPlural}Options {
  ${sc.param}: string;
${s ? `  ${s.name}Contains: string | undefined;\n` : ''}  after: CreatedAtCursor | undefined;
  limit: number;
}

/**
 * The page query, newest first after the (created_at, id) keyset position (limit + 1 rows,
 * db/created-at-page.ts). Exported so a test can EXPLAIN it.
 */
export function list${n.pascalPlural}Query(
  db: Trx,
  options: List${n.pascalPlural}Options,
): SelectQueryBuilder<Database, '${n.table}', ${n.pascal}Row & { created_at_exact: string }> {
  ${s ? 'let' : 'const'} q = db
    .selectFrom('${n.table}')
    .select(SELECTION)
    .select(createdAtExact.as('created_at_exact'))
    .where('${sc.column}', '=', options.${sc.param});
${
  s
    ? `  if (options.${s.name}Contains !== undefined)
    q = q.where('${s.column}', 'ilike', containsPattern(options.${s.name}Contains));
`
    : ''
}  return createdAtPage(q, options.after, options.limit);
}

export function list${n.pascalPlural}(
  db: Trx,
  options: List${n.pascalPlural}Options,
): Promise<(${n.pascal}Row & { created_at_exact: string })[]> {
  return list${n.pascalPlural}Query(db, options).execute();
}

/** Applies a change only at the expected version; undefined when stale or gone. */
export function update${n.pascal}AtVersion(
  db: Trx,
  ${sc.param}: string,
  id: string,
  version: number,
  patch: {
${patchTypes.join('\n')}
  },
): Promise<${n.pascal}Row | undefined> {
  return db
    .updateTable('${n.table}')
    .set({
${patchSets.join('\n')}
      version: sql\`version + 1\`,
      updated_at: sql\`now()\`,
    })
    .where('${sc.column}', '=', ${sc.param})
    .where('id', '=', id)
    .where('version', '=', version)
    .returning(SELECTION)
    .executeTakeFirst();
}

export function delete${n.pascal}(
  db: Trx,
  ${sc.param}: string,
  id: string,
): Promise<DeleteResult> {
  return db
    .deleteFrom('${n.table}')
    .where('${sc.column}', '=', ${sc.param})
    .where('id', '=', id)
    .executeTakeFirst();
}
`;
}
