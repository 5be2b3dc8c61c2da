import { enforceCallRate } from '../ratelimit/enforce-call-rate';
import { withIdempotency } from '../idempotency/with-idempotency';
import { isDatabaseUnavailable } from '../db/is-database-unavailable';
import { AppError } from './app-error';
import type { Context } from './context';
import type { Meta } from './meta';
import { baseProcedure, middleware } from './trpc';

const BASIC_AUTH_MESSAGE =
  'HTTP Basic is not accepted: send "Authorization: Bearer <api key>" ' +
  '(or a JWT from /oauth/token)';
const SESSION_REQUIRED_MESSAGE =
  'Only a signed-in session with a recent re-authentication may do this; ' +
  'API keys and access tokens cannot';

/**
 * The pipeline's policy step for procedures that need a caller, in one
 * middleware layer (each layer costs tens of microseconds, so the checks
 * share one): rate, authentication outcome, global permission, verified
 * email, step-up. Org membership and resource policies follow in the
 * org-scoped builder, once the input is validated.
 */
const enforcePolicy = middleware(async function enforcePolicy({
  ctx,
  meta,
  type,
  path,
  next,
  getRawInput,
}) {
  if (!meta || meta.permission === undefined || meta.public === true) {
    // Start-up refuses procedures without a policy; a public one built here
    // (instead of from publicProcedure) is refused rather than let through.
    throw new AppError('FORBIDDEN', { message: 'This procedure has no usable policy' });
  }
  await enforceCallRate(ctx, type, meta.rate); // per principal and per class (ratelimit/)
  const principal = ctx.principal;
  if (!principal) {
    throw new AppError(
      ctx.authError ?? 'UNAUTHENTICATED',
      ctx.authError === 'BASIC_AUTH_UNSUPPORTED' ? { message: BASIC_AUTH_MESSAGE } : {},
    );
  }
  if (!principal.permissions.has(meta.permission)) {
    // Every authorization denial is recorded: the first of a principal and
    // procedure in a minute as a row, repeats as a count.
    ctx.deps.metrics.authzDenied(meta.permission);
    const details = { procedure: path, permission: meta.permission };
    ctx.audit.security('authz.denied', details);
    await ctx.deps.auditRefusals.refuse(ctx.audit, 'authz.denied', { cause: path, details });
    throw new AppError('FORBIDDEN');
  }
  if (meta.requireVerifiedEmail === true && !principal.emailVerified)
    throw new AppError('EMAIL_NOT_VERIFIED');
  if (principal.impersonation || meta.impersonationOnly === true)
    await enforceImpersonation(ctx, meta, type, path);
  if (meta.stepUp === true || meta.returnsSecret === true) {
    // Sensitive acts, and every act that mints or reveals a secret, need a
    // recent interactive proof; a key or token can never give one.
    if (principal.kind !== 'session') {
      throw new AppError('SESSION_REQUIRED', { message: SESSION_REQUIRED_MESSAGE });
    }
    const at = principal.reauthenticatedAt;
    if (!at || Date.now() - at.getTime() > ctx.deps.config.auth.stepUpWindowMs) {
      throw new AppError('REAUTH_REQUIRED', {
        message: 'Confirm your password or second factor to continue',
      });
    }
  }
  if (type === 'mutation' && ctx.headers['idempotency-key'] !== undefined) {
    const options = { storeResponse: meta.returnsSecret !== true };
    return withIdempotency(
      { ...ctx, principal },
      path,
      await getRawInput(),
      () => next({ ctx: { principal } }).then(unavailableAs503),
      options,
    );
  }
  return unavailableAs503(await next({ ctx: { principal } }));
});

const IMPERSONATION_SENSITIVE_MESSAGE =
  'Not while impersonating: step-up and secret-minting procedures are refused ' +
  'even with the write grant';
const IMPERSONATION_READ_ONLY_MESSAGE =
  'This impersonation is read-only: mutations need the write grant at ' +
  'admin.impersonation.start';

/**
 * What an administrator impersonating a user may do, decided here and never in a handler:
 * queries, and mutations only with the write grant given when the impersonation started
 * (`impersonationOnly` procedures always, so it can be ended); never a step-up or
 * secret-minting procedure, with or without the grant (no key minted, no password, email or
 * MFA changed, no account deleted as the user). An `impersonationOnly` procedure refuses every
 * other caller. Each refusal is recorded as `authz.denied` (during an impersonation as the
 * administrator on behalf of the user).
 */
async function enforceImpersonation(
  ctx: Context,
  meta: Meta,
  type: string,
  path: string,
): Promise<void> {
  const imp = ctx.principal?.impersonation;
  const sensitive = meta.stepUp === true || meta.returnsSecret === true;
  const write = type !== 'query' && meta.impersonationOnly !== true;
  if (imp && !sensitive && (!write || imp.allowWrites)) return;
  const refusal = !imp ? 'not_impersonating' : sensitive ? 'sensitive' : 'read_only';
  const details = { procedure: path, permission: meta.permission, impersonation: refusal };
  ctx.deps.metrics.authzDenied(meta.permission ?? 'unknown');
  ctx.audit.security('authz.denied', details);
  await ctx.deps.auditRefusals.refuse(ctx.audit, 'authz.denied', {
    cause: `${path}|impersonation`,
    details,
  });
  if (!imp)
    throw new AppError('FORBIDDEN', { message: 'Only an impersonation session may do this' });
  throw new AppError('IMPERSONATION_READ_ONLY', {
    message: sensitive ? IMPERSONATION_SENSITIVE_MESSAGE : IMPERSONATION_READ_ONLY_MESSAGE,
  });
}

/** The policy step for `public: true` procedures: rate only; the caller may be anonymous. */
const enforcePublic = middleware(async function enforcePublic({ ctx, meta, type, next }) {
  if (meta?.public !== true || meta.permission !== undefined) {
    throw new AppError('FORBIDDEN', { message: 'This procedure has no usable policy' });
  }
  await enforceCallRate(ctx, type, meta.rate);
  return unavailableAs503(await next());
});

/** A call that failed because the database is away answers 503 (retry later), not 500. */
function unavailableAs503<R extends { ok: boolean; error?: unknown }>(result: R): R {
  if (
    !result.ok &&
    isDatabaseUnavailable((result.error as { cause?: unknown } | undefined)?.cause)
  ) {
    return {
      ...result,
      error: new AppError('SERVICE_UNAVAILABLE', {
        message: 'The service is temporarily unavailable; retry shortly',
        retryAfterSeconds: 1,
      }),
    };
  }
  return result;
}

/**
 * Every procedure that needs a caller starts here. Its `meta` must name a
 * `permission` (default deny: the server refuses to start otherwise), and
 * `ctx.principal` is non-null in the handler.
 *
 * @example
 * get: procedure
 *   .meta({ permission: 'project:read' })
 *   .input(ProjectRef)
 *   .output(Project)
 *   .query(({ ctx, input }) => projects.get(ctx, input)),
 */
export const procedure = baseProcedure.use(enforcePolicy);

/**
 * Procedures anyone may call (`meta: { public: true }`), still rate-limited,
 * validated and audited like the rest. `ctx.principal` may be null.
 */
export const publicProcedure = baseProcedure.use(enforcePublic);
