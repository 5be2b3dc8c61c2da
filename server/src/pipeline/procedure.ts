import { enforceCallRate } from '../ratelimit/enforce-call-rate';
import { AppError } from './app-error';
import { baseProcedure, middleware } from './trpc';

/**
 * The pipeline's policy step, one middleware layer (each layer costs tens of
 * microseconds, so the checks share one): authentication outcome, then the
 * global permission from `meta`. Org membership and resource policies follow
 * in the org-scoped builders, once the input is validated.
 */
const enforcePolicy = middleware(async function enforcePolicy({ ctx, meta, type, next }) {
  if (!meta || (meta.public !== true && meta.permission === undefined)) {
    // Unreachable: start-up refuses such procedures. Deny all the same.
    throw new AppError('FORBIDDEN');
  }
  await enforceCallRate(ctx, type, meta.rate); // per principal and per class (ratelimit/)
  if (meta.public === true) return next();
  const principal = ctx.principal;
  if (!principal) throw new AppError(ctx.authError ?? 'UNAUTHENTICATED');
  if (!principal.permissions.has(meta.permission)) throw new AppError('FORBIDDEN');
  if (meta.requireVerifiedEmail === true && !principal.emailVerified) throw new AppError('EMAIL_NOT_VERIFIED');
  return next({ ctx: { principal } });
});

/**
 * Every procedure starts here. Its `meta` must name a `permission` or say
 * `public: true`; the server refuses to start otherwise.
 *
 * @example
 * get: procedure
 *   .meta({ permission: 'project:read' })
 *   .input(ProjectRef)
 *   .output(Project)
 *   .query(({ ctx, input }) => projects.get(ctx, input)),
 */
export const procedure = baseProcedure.use(enforcePolicy);
