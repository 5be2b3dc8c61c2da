import type { AnyRouter } from '@trpc/server';
import { ORG_ROLES } from '@gatehouse/shared';
import { ORG_ROLE_PERMISSIONS } from '../orgs/org-roles';
import { listProcedures } from './assert-procedure-policies';
import { GLOBAL_ROLE_PERMISSIONS } from './global-roles';

/** Who may call a procedure, in words, from the role tables. */
function whoMayCall(
  meta:
    | {
        public?: true;
        permission?: string;
        stepUp?: boolean;
        returnsSecret?: true;
      }
    | undefined,
  orgScoped: boolean,
): string {
  if (!meta) return 'nobody (no policy)';
  if (meta.public === true) return 'anyone';
  const permission = meta.permission as never;
  const global = (['user', 'admin'] as const).filter((r) =>
    GLOBAL_ROLE_PERMISSIONS[r].has(permission),
  );
  const sessionOnly = meta.stepUp === true || meta.returnsSecret === true;
  if (!orgScoped && sessionOnly)
    return global.length === 2
      ? 'any signed-in user (session, no key)'
      : `global ${global.join(', ')} (session, no key)`;
  if (!orgScoped)
    return global.length === 2 ? 'any signed-in user or scoped key' : `global ${global.join(', ')}`;
  const org = ORG_ROLES.filter((r) => ORG_ROLE_PERMISSIONS[r].has(permission));
  return `org ${org.join(', ')}`;
}

/**
 * The procedure table in docs/procedures.md, generated from the router and
 * the role tables (a test regenerates it and compares).
 */
export function renderProcedureTable(router: AnyRouter): string {
  const rows = listProcedures(router).map((p) => {
    const orgScoped = p.orgScoped;
    const meta = p.meta as
      | {
          public?: true;
          permission?: string;
          rate?: string;
          stepUp?: boolean;
          returnsSecret?: true;
          requireVerifiedEmail?: boolean;
          summary?: string;
        }
      | undefined;
    const policy = meta?.public === true ? 'public' : `\`${meta?.permission ?? '—'}\``;
    const flags = [
      orgScoped ? 'org-scoped' : '',
      meta?.requireVerifiedEmail ? 'verified email' : '',
    ]
      .filter(Boolean)
      .join(', ');
    const cells = [
      `\`${p.path}\``,
      p.type,
      policy,
      whoMayCall(meta, orgScoped),
      meta?.rate ?? (p.type === 'query' ? 'read' : 'write'),
      secretColumn(meta, p.secretFields),
      flags || '—',
      meta?.summary ?? '',
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '# Procedures',
    '',
    'Generated from the router by `npx -y pnpm@10 gatehouse procedures --out ' +
      'docs/procedures.md`; a test fails when it is stale.',
    'Every procedure declares a permission or `public`; org-scoped ones also check the ' +
      "caller's role in the `orgId` they name",
    '(a non-member gets NOT_FOUND). API keys and JWTs act with their scopes intersected with ' +
      'these.',
    '',
    '| procedure | type | permission | who may call | rate class | returns secret / step-up | ' +
      'notes | summary |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '## Secrets and credentials',
    '',
    'A procedure whose output carries a secret (an API key, a TOTP secret, recovery codes) ' +
      'declares `returnsSecret`; start-up',
    'refuses one that does not, and one that declares it without `stepUp`. Such a procedure ' +
      'answers only a signed-in session',
    're-authenticated within `STEP_UP_WINDOW_MINUTES` (`auth.reauthenticate`): an API key or ' +
      'JWT gets 403 `SESSION_REQUIRED`,',
    'a stale session 403 `REAUTH_REQUIRED`. Its response is never stored by the idempotency ' +
      'layer: a repeat with the same',
    '`Idempotency-Key` answers 409 `IDEMPOTENCY_SECRET_NOT_REPLAYED`. A key is minted (created ' +
      'or rotated) only within the',
    "caller's current permissions and org memberships (`SCOPE_EXCEEDS_GRANT`, `NOT_FOUND`).",
    '',
    'Outside this table: `auth.signIn`, `auth.verifyMfa` and `auth.resetPassword` establish a ' +
      'session from a password, a',
    'second factor or a mailed token (the cookie is never in the body); `POST /oauth/token` ' +
      'exchanges an API key for a JWT',
    "that carries at most that key's scopes and org and dies with it; the `gatehouse admin " +
      'create` CLI command (a password read from stdin) runs with',
    'database access, not over the API.',
    '',
  ].join('\n');
}

/** The "returns secret / step-up" cell: what a caller must be to get an answer. */
function secretColumn(
  meta: { stepUp?: boolean; returnsSecret?: true } | undefined,
  secretFields: readonly string[],
): string {
  if (meta?.returnsSecret === true) {
    const fields = secretFields.map((f) => `\`${f}\``).join(', ');
    return `returns secret (${fields}); step-up session only`;
  }
  if (meta?.stepUp === true) return 'step-up session only';
  return '—';
}
