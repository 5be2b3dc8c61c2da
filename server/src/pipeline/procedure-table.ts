import type { AnyRouter } from '@trpc/server';
import { ORG_ROLES } from '@gatehouse/shared';
import { ORG_ROLE_PERMISSIONS } from '../orgs/org-roles';
import { listProcedures } from './assert-procedure-policies';
import { GLOBAL_ROLE_PERMISSIONS } from './global-roles';
import { OrgScopeInput } from './org-procedure';

/** Who may call a procedure, in words, from the role tables. */
function whoMayCall(meta: { public?: true; permission?: string; orgScoped?: boolean } | undefined, orgScoped: boolean): string {
  if (!meta) return 'nobody (no policy)';
  if (meta.public === true) return 'anyone';
  const permission = meta.permission as never;
  const global = (['user', 'admin'] as const).filter((r) => GLOBAL_ROLE_PERMISSIONS[r].has(permission));
  if (!orgScoped) return global.length === 2 ? 'any signed-in user or scoped key' : `global ${global.join(', ')}`;
  const org = ORG_ROLES.filter((r) => ORG_ROLE_PERMISSIONS[r].has(permission));
  return `org ${org.join(', ')}`;
}

/**
 * The procedure table in docs/procedures.md, generated from the router and
 * the role tables (a test regenerates it and compares).
 */
export function renderProcedureTable(router: AnyRouter): string {
  const rows = listProcedures(router).map((p) => {
    const def = (router._def.procedures as Record<string, { _def: { inputs: unknown[] } }>)[p.path];
    const orgScoped = (def?._def.inputs ?? []).includes(OrgScopeInput);
    const meta = p.meta as { public?: true; permission?: string; rate?: string; stepUp?: boolean; summary?: string } | undefined;
    const policy = meta?.public === true ? 'public' : `\`${meta?.permission ?? '—'}\``;
    const flags = [orgScoped ? 'org-scoped' : '', meta?.stepUp ? 'step-up' : ''].filter(Boolean).join(', ');
    return `| \`${p.path}\` | ${p.type} | ${policy} | ${whoMayCall(meta, orgScoped)} | ${meta?.rate ?? (p.type === 'query' ? 'read' : 'write')} | ${flags || '—'} | ${meta?.summary ?? ''} |`;
  });
  return [
    '# Procedures',
    '',
    'Generated from the router by `npx -y pnpm@10 gatehouse procedures --out docs/procedures.md`; a test fails when it is stale.',
    'Every procedure declares a permission or `public`; org-scoped ones also check the caller\'s role in the `orgId` they name',
    '(a non-member gets NOT_FOUND). API keys and JWTs act with their scopes intersected with these.',
    '',
    '| procedure | type | permission | who may call | rate class | notes | summary |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
