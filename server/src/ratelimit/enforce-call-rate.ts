import { securityEvent } from '../observability/security-events';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { RateClass } from '../pipeline/meta';

/**
 * The pipeline's per-principal and per-class step: one unit per call (a batch
 * of ten spends ten). The class comes from `meta.rate`; queries default to
 * `read`, mutations to `write`.
 */
export async function enforceCallRate(
  ctx: Context,
  type: string,
  rate: RateClass | undefined,
): Promise<void> {
  const rateClass = rate ?? (type === 'query' ? 'read' : 'write');
  const verdict = await ctx.deps.rateLimiter.limitCall(ctx, rateClass);
  if (!verdict.allowed) {
    ctx.deps.metrics.rateLimited(rateClass);
    securityEvent(ctx.log, {
      type: 'rate_limit.rejected',
      requestId: ctx.requestId,
      ip: ctx.ip,
      principal: ctx.principal,
      details: { class: rateClass },
    });
    throw new AppError('RATE_LIMITED', {
      message: 'Too many requests; retry later',
      retryAfterSeconds: verdict.retryAfterSeconds,
    });
  }
}
