import type { Impersonation } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import { listActiveImpersonations } from './impersonation-queries';

/** `admin.impersonation.list`: every impersonation still within its time limit, newest first. */
export async function listImpersonations(ctx: {
  readonly deps: Pick<AppDeps, 'db'>;
}): Promise<{ impersonations: Impersonation[] }> {
  return { impersonations: await listActiveImpersonations(ctx.deps.db, new Date()) };
}
