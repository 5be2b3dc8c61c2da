import type { MembershipDeps } from '../app-deps';
import type { Config } from '../config';
import { MembershipCache } from '../orgs/membership-cache';
import type { RevocationBus } from '../sessions/revocation-bus';
import { credentialCacheTtlMs } from './credential-cache-ttl';
import type { Slice } from './slice';

/** The callers' memberships cache, and how a change reaches every instance (the bus). */
export function membershipsSlice(
  config: Config,
  databaseKind: string,
  hasRedis: boolean,
  bus: RevocationBus,
): Slice<MembershipDeps> {
  const membershipCache = new MembershipCache(
    bus,
    credentialCacheTtlMs(config, databaseKind, hasRedis),
  );
  return {
    deps: {
      membershipCache,
      membershipsChanged: (change) => bus.publish({ memberships: change }),
    },
    close: () => undefined,
  };
}
