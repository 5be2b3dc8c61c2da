import { headerOf, type Resource } from '../resource';

/** `server/src/<plural>/to-<name>.ts`: the row as callers see it. */
export function mapperFile(r: Resource): string {
  const n = r.names;
  const fields = r.fields.map((f) => {
    if (f.kind !== 'datetime') return `    ${f.name}: row.${f.column},`;
    return f.optional
      ? `    ${f.name}: row.${f.column} === null ? null : new Date(row.${f.column}).toISOString(),`
      : `    ${f.name}: new Date(row.${f.column}).toISOString(),`;
  });
  return `${headerOf(r)}
import type { ${n.pascal} } from '@gatehouse/shared';
import type { ${n.pascal}Row } from './${n.kebab}-queries';

/** The ${n.words} as callers see it (the output schema is the allow-list). */
export function to${n.pascal}(row: ${n.pascal}Row): ${n.pascal} {
  return {
    id: row.id,
${r.personal ? '' : '    orgId: row.org_id,\n'}    ownerId: row.owner_id,
${fields.join('\n')}
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
`;
}
