import type { ServerResponse } from 'node:http';
import type { PasswordHasher } from '../auth/password-hasher';

/**
 * How many `auth.signIn` calls may be under way at once: as many as the
 * password hasher can run or queue, since every sign-in hashes (a dummy hash
 * for an unknown account). A sign-in is counted from the moment its body has
 * been read until its response closes.
 *
 * The hasher's own queue is not enough to refuse a burst early: it fills only
 * when a sign-in reaches argon2, after its database reads, so 200 sign-ins
 * arriving at once would all pass a check of the queue and run the pipeline
 * before the first one is queued. Counting admissions when the body is in is
 * exact however the burst interleaves. Counting from arrival instead would let
 * a client that sends headers and never the body hold a place (slowloris).
 */
export interface SignInAdmission {
  /**
   * Whether a sign-in arriving now would be refused: the front door's cheap check, before the body
   * is read. `deviceId`: of a verified device cookie.
   */
  isFull(deviceId?: string): boolean;
  /** Counts this sign-in until `res` closes; false, counting nothing, when full. */
  admit(res: ServerResponse, deviceId?: string): boolean;
}

export function createSignInAdmission(
  passwords: Pick<PasswordHasher, 'capacity' | 'reserved' | 'isSaturated'>,
): SignInAdmission {
  let admitted = 0;
  const devicesIn = new Set<string>();
  const reservedFor = (deviceId: string | undefined): boolean =>
    deviceId !== undefined && !devicesIn.has(deviceId);
  const isFull = (deviceId?: string): boolean => {
    const reserved = reservedFor(deviceId);
    return (
      admitted >= passwords.capacity - (reserved ? 0 : passwords.reserved) ||
      passwords.isSaturated(reserved ? 'reserved' : 'shared')
    );
  };
  return {
    isFull,
    admit(res, deviceId) {
      // A response already closed would never release its place.
      if (isFull(deviceId) || res.destroyed) return false;
      admitted++;
      const holds = reservedFor(deviceId) ? deviceId : undefined;
      if (holds !== undefined) devicesIn.add(holds);
      res.once('close', () => {
        admitted--;
        if (holds !== undefined) devicesIn.delete(holds);
      });
      return true;
    },
  };
}
