import type { AppDeps } from '../../app-deps';
import { migrationStatus } from '../../db/migrator';
import { sendJson } from '../send-json';
import type { FrontDoorStep } from './front-door-step';

/**
 * `GET /readyz`: 200 when the database answers and has no pending
 * migrations; 503 with the reason otherwise, and from shutdown on.
 */
export function answerReadyz(
  deps: Pick<AppDeps, 'database' | 'db'>,
  isDraining: () => boolean,
): FrontDoorStep {
  return (req, res, { pathname }) => {
    if (pathname !== '/readyz' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return 'continue';
    }
    res.setHeader('cache-control', 'no-store');
    void readiness(deps, isDraining()).then(({ ready, detail }) =>
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', ...detail }),
    );
    return 'handled';
  };
}

async function readiness(
  deps: Pick<AppDeps, 'database' | 'db'>,
  draining: boolean,
): Promise<{ ready: boolean; detail: Record<string, unknown> }> {
  if (draining) return { ready: false, detail: { reason: 'SHUTTING_DOWN' } };
  if (!(await deps.database.ping(1_000)))
    return { ready: false, detail: { reason: 'DATABASE_UNREACHABLE' } };
  try {
    const { pending } = await migrationStatus(deps.db);
    if (pending.length > 0)
      return { ready: false, detail: { reason: 'MIGRATIONS_PENDING', pending } };
  } catch {
    return { ready: false, detail: { reason: 'DATABASE_UNREACHABLE' } };
  }
  return { ready: true, detail: {} };
}
