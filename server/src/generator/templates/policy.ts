import { headerOf, permissionsOf, type Resource } from '../resource';

/** `server/src/<plural>/<name>-policy.ts`: who may change a loaded row. */
export function policyFile(r: Resource): string {
  const n = r.names;
  const p = permissionsOf(r);
  const body = r.personal
    ? `  return caller.permissions.has('${p.write}') && row.owner_id === caller.userId;`
    : r.owned
      ? `  if (caller.permissions.has('${p.writeAny}')) return true;
  return caller.permissions.has('${p.write}') && row.owner_id === caller.userId;`
      : `  return caller.permissions.has('${p.write}');`;
  const rule = r.personal
    ? `only its owner, and only with \`${p.write}\` (a key scoped to \`${p.read}\` reads only)`
    : r.owned
      ? `members change their own (\`${p.write}\`), org admins and owners all (\`${p.writeAny}\`)`
      : `anyone whose org role grants \`${p.write}\``;
  const grants = r.personal ? 'their role and key grant' : 'their org role grants';
  return `${headerOf(r)}
import type { Permission } from '@gatehouse/shared';

/** The caller as the policy sees them: who they are and what ${grants}. */
export interface ${n.pascal}Caller {
  userId: string;
  permissions: ReadonlySet<Permission>;
}

/**
 * Who may change ${n.aWords}, as a pure function of the caller and the loaded row:
 * ${rule}.
 */
export function canEdit${n.pascal}(
  caller: ${n.pascal}Caller,
  row: { owner_id: string | null },
): boolean {
${body}${r.owned || r.personal ? '' : '\n  void row;'}
}

/** Deleting follows editing. */
export function canDelete${n.pascal}(
  caller: ${n.pascal}Caller,
  row: { owner_id: string | null },
): boolean {
  return canEdit${n.pascal}(caller, row);
}
`;
}
