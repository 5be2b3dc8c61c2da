/**
 * Caps the requests one client IP may have in flight on this instance, so a
 * client holding many slow requests open cannot take every worker slot.
 */
export interface ConcurrencyCap {
  /** Takes a slot; false when the IP already holds `max`. */
  enter(ip: string): boolean;
  leave(ip: string): void;
}

export function createConcurrencyCap(max: number): ConcurrencyCap {
  const inFlight = new Map<string, number>();
  return {
    enter(ip) {
      const n = inFlight.get(ip) ?? 0;
      if (n >= max) return false;
      inFlight.set(ip, n + 1);
      return true;
    },
    leave(ip) {
      const n = (inFlight.get(ip) ?? 1) - 1;
      if (n <= 0) inFlight.delete(ip);
      else inFlight.set(ip, n);
    },
  };
}
