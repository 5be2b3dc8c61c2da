import type { AnyRouter } from '@trpc/server';
import type { Meta } from './meta';
import { secretFieldsOf } from './secret-fields';

export interface ProcedurePolicy {
  readonly path: string;
  readonly type: 'query' | 'mutation' | 'subscription';
  readonly meta: Meta | undefined;
  readonly hasInput: boolean;
  readonly hasOutput: boolean;
  /** Output fields that look like a secret (an API key, a TOTP secret, recovery codes). */
  readonly secretFields: readonly string[];
}

/** Every procedure in the router with what it declares. */
export function listProcedures(router: AnyRouter): ProcedurePolicy[] {
  const procedures = router._def.procedures as Record<
    string,
    { _def: { type: ProcedurePolicy['type']; meta?: Meta; inputs: unknown[]; output?: unknown } }
  >;
  return Object.entries(procedures)
    .map(([path, proc]) => ({
      path,
      type: proc._def.type,
      meta: proc._def.meta,
      hasInput: proc._def.inputs.length > 0,
      hasOutput: proc._def.output !== undefined,
      secretFields: secretFieldsOf(proc._def.output),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** What is wrong with each procedure's declaration; empty when all are sound. */
export function findPolicyProblems(router: AnyRouter): string[] {
  const problems: string[] = [];
  for (const p of listProcedures(router)) {
    const meta = p.meta;
    if (!meta) problems.push(`${p.path}: no meta (needs a permission or public: true)`);
    else if (meta.public === true && meta.permission !== undefined)
      problems.push(`${p.path}: both public and a permission`);
    else if (meta.public !== true && meta.permission === undefined)
      problems.push(`${p.path}: neither a permission nor public: true`);
    if (!p.hasInput) problems.push(`${p.path}: no input schema`);
    if (!p.hasOutput) problems.push(`${p.path}: no output schema`);
    if (p.type === 'subscription') problems.push(`${p.path}: subscriptions are not served`);
    // Minting or revealing a secret: declared, and only for a step-up session.
    if (p.secretFields.length > 0 && meta?.returnsSecret !== true)
      problems.push(
        `${p.path}: its output carries ${p.secretFields.join(', ')} but it does not declare returnsSecret`,
      );
    if (meta?.returnsSecret === true && (meta.public === true || meta.stepUp !== true))
      problems.push(`${p.path}: returnsSecret needs a permission and stepUp: true`);
  }
  return problems;
}

/** Default deny at start-up: throws naming every procedure without a full policy. */
export function assertProcedurePolicies(router: AnyRouter): void {
  const problems = findPolicyProblems(router);
  if (problems.length > 0) {
    throw new Error(
      `refusing to start: procedures without a complete policy:\n  ${problems.join('\n  ')}`,
    );
  }
}
