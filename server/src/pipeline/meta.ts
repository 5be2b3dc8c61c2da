import type { Permission } from '@gatehouse/shared';

/** Rate classes; each has its own per-principal budget. */
export type RateClass = 'auth' | 'read' | 'write' | 'admin';

interface MetaBase {
  /** Per-principal rate class; defaults to `read` for queries, `write` for mutations. */
  readonly rate?: RateClass;
  /** Requires a recently re-verified session (step-up); a key or JWT gets SESSION_REQUIRED. */
  readonly stepUp?: boolean;
  /**
   * The response carries a secret shown once (an API key, a TOTP secret,
   * recovery codes). Start-up refuses it without `stepUp: true` (only a
   * step-up session may mint or reveal a secret), and the idempotency layer
   * never stores such a response (a replay answers IDEMPOTENCY_SECRET_NOT_REPLAYED).
   */
  readonly returnsSecret?: true;
  /**
   * Only an impersonation session may call it, and it only ends that impersonation
   * (`admin.impersonation.end`): every other caller gets FORBIDDEN, and a read-only
   * impersonation may still call it although it is a mutation. Nothing else is exempt.
   */
  readonly impersonationOnly?: true;
  /** Requires a verified email address. */
  readonly requireVerifiedEmail?: boolean;
  /** Short description for the generated procedure table and OpenAPI. */
  readonly summary?: string;
}

/**
 * What every procedure declares. Exactly one of `permission` or `public`:
 * a procedure with neither is refused at start-up (default deny).
 */
export type Meta =
  | (MetaBase & { readonly permission: Permission; readonly public?: never })
  | (MetaBase & { readonly public: true; readonly permission?: never });
