/** One policy's state, as advertised to the client. */
export interface PolicyState {
  /** Policy identifier, e.g. `ip`, `principal`, `read`. */
  readonly name: string;
  /** Quota: units allowed per window. */
  readonly quota: number;
  readonly windowSeconds: number;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly resetSeconds: number;
}

/**
 * The `RateLimit-Policy` and `RateLimit` fields of
 * draft-ietf-httpapi-ratelimit-headers-11 (May 2026): structured-field Lists
 * whose items name a policy (a String) with parameters `q` (quota) and `w`
 * (window, seconds) in the policy field, `r` (remaining) and `t` (seconds to
 * reset) in the limit field, e.g.
 * `RateLimit-Policy: "ip";q=600;w=60` and `RateLimit: "ip";r=12;t=30`.
 */
export function rateLimitFields(states: Iterable<PolicyState>): { policy: string; limit: string } {
  const policy: string[] = [];
  const limit: string[] = [];
  for (const s of states) {
    policy.push(`"${s.name}";q=${s.quota};w=${s.windowSeconds}`);
    limit.push(`"${s.name}";r=${Math.max(0, s.remaining)};t=${Math.max(0, s.resetSeconds)}`);
  }
  return { policy: policy.join(', '), limit: limit.join(', ') };
}
