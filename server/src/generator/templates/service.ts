import { auditActionsOf, headerOf, scopeOf, type Resource } from '../resource';

/** `server/src/<plural>/<name>-service.ts`: each procedure's work, in the scoped transaction. */
export function serviceFile(r: Resource): string {
  const n = r.names;
  const a = auditActionsOf(r);
  // An optional field left out is stored as null; one with a default takes the column's default.
  const insert = r.fields.map((f) =>
    f.optional && f.defaultValue === undefined
      ? `    ${f.name}: input.${f.name} ?? null,`
      : `    ${f.name}: input.${f.name},`,
  );
  const s = r.search;
  const sc = scopeOf(r);
  const c = sc.ctx;
  const scopeValue = r.personal ? 'ctx.personal.userId' : 'ctx.tenant.orgId';
  const destructure = r.personal ? '{ db, userId: ownerId }' : '{ db, orgId }';
  const scopeType = r.personal ? 'Personal' : 'Tenant';
  const whose = r.personal ? "caller's" : "org's";
  const scopeImport = r.personal
    ? "import type { Personal } from '../pipeline/user-procedure';"
    : "import type { Tenant } from '../pipeline/tenant-scope';";
  const owner = r.personal
    ? '    ownerId: ctx.personal.userId,'
    : '    orgId: ctx.tenant.orgId,\n    ownerId: ctx.principal.userId,';
  return `${headerOf(r)}
import type {
  Create${n.pascal}Input,
  ${n.pascal},
  ${n.pascal}Page,
  List${n.pascalPlural}Input,
  Ok,
  Update${n.pascal}Input,
} from '@gatehouse/shared';
import { decodeCreatedAtCursor, encodeCreatedAtCursor } from '../db/created-at-cursor';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
${scopeImport}
import {
  canDelete${n.pascal},
  canEdit${n.pascal},
  type ${n.pascal}Caller,
} from './${n.kebab}-policy';
import {
  delete${n.pascal},
  find${n.pascal},
  insert${n.pascal},
  list${n.pascalPlural},
  update${n.pascal}AtVersion,
} from './${n.kebab}-queries';
import { to${n.pascal} } from './to-${n.kebab}';

/** What every ${n.words} operation receives: the caller and their scoped transaction. */
export type ${n.pascal}Context = Context & { principal: Principal; ${c}: ${scopeType} };

const NOT_FOUND = (): AppError => new AppError('NOT_FOUND', { message: 'No such ${n.words}' });

function caller(ctx: ${n.pascal}Context): ${n.pascal}Caller {
  return { userId: ctx.principal.userId, permissions: ctx.${c}.permissions };
}

export async function create${n.pascal}(
  ctx: ${n.pascal}Context,
  input: Create${n.pascal}Input,
): Promise<${n.pascal}> {
  const row = await insert${n.pascal}(ctx.${c}.db, {
${owner}
${insert.join('\n')}
  });
  await ctx.audit.record(ctx.${c}.db, '${a.create}', {
    target: { type: '${n.snake}', id: row.id },
  });
  return to${n.pascal}(row);
}

export async function get${n.pascal}(ctx: ${n.pascal}Context, id: string): Promise<${n.pascal}> {
  const row = await find${n.pascal}(ctx.${c}.db, ${scopeValue}, id);
  if (!row) throw NOT_FOUND();
  return to${n.pascal}(row);
}

/** A page of the ${whose} ${n.wordsPlural}, newest first; \`nextCursor\` is null on the last. */
export async function list${n.pascal}Page(
  ctx: ${n.pascal}Context,
  input: List${n.pascalPlural}Input & { limit: number },
): Promise<${n.pascal}Page> {
  const after = input.cursor !== undefined ? decodeCreatedAtCursor(input.cursor) : undefined;
  const rows = await list${n.pascalPlural}(ctx.${c}.db, {
    ${sc.param}: ${scopeValue},
${s ? `    ${s.name}Contains: input.${s.name}Contains,\n` : ''}    after,
    limit: input.limit,
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    ${n.camelPlural}: page.map(to${n.pascal}),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCreatedAtCursor({ createdAt: last.created_at_exact, id: last.id })
        : null,
  };
}

/**
 * Changes ${n.aWords} at the version the caller read. The policy runs on the loaded row; a
 * stale version answers CONFLICT and changes nothing.
 */
export async function update${n.pascal}(
  ctx: ${n.pascal}Context,
  input: Update${n.pascal}Input,
): Promise<${n.pascal}> {
  const ${destructure} = ctx.${c};
  const current = await find${n.pascal}(db, ${sc.param}, input.id);
  if (!current) throw NOT_FOUND();
  if (!canEdit${n.pascal}(caller(ctx), current))
    throw new AppError('FORBIDDEN', { message: 'You may not change this ${n.words}' });
  const updated = await update${n.pascal}AtVersion(
    db,
    ${sc.param},
    input.id,
    input.version,
    input.patch,
  );
  if (!updated)
    throw new AppError('CONFLICT', {
      message: \`The ${n.words} changed since version \${input.version}; reload it and retry\`,
    });
  await ctx.audit.record(db, '${a.update}', {
    target: { type: '${n.snake}', id: updated.id },
    details: { version: updated.version },
  });
  return to${n.pascal}(updated);
}

export async function remove${n.pascal}(ctx: ${n.pascal}Context, id: string): Promise<Ok> {
  const ${destructure} = ctx.${c};
  const current = await find${n.pascal}(db, ${sc.param}, id);
  if (!current) throw NOT_FOUND();
  if (!canDelete${n.pascal}(caller(ctx), current))
    throw new AppError('FORBIDDEN', { message: 'You may not delete this ${n.words}' });
  await delete${n.pascal}(db, ${sc.param}, id);
  await ctx.audit.record(db, '${a.delete}', { target: { type: '${n.snake}', id } });
  return { ok: true };
}
`;
}
