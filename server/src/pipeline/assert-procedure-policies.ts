import type { AnyRouter } from '@trpc/server';
import { procedureCatalog, type ProcedureEntry } from './procedure-catalog';

/** A procedure with what it declares (the catalog's entry). */
export type ProcedurePolicy = ProcedureEntry;

/** Every procedure in the router with what it declares, sorted by path. */
export function listProcedures(router: AnyRouter): readonly ProcedurePolicy[] {
  return procedureCatalog(router);
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
        `${p.path}: its output carries ${p.secretFields.join(', ')} ` +
          'but it does not declare returnsSecret',
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
