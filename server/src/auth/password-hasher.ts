import { hash, parseOptions, verify } from '@node-rs/argon2';
import { AppError } from '../pipeline/app-error';

/** OWASP's argon2id parameters: m=19456 KiB, t=2, p=1. */
export const ARGON2_PARAMS = Object.freeze({
  algorithm: 2 /* Argon2id */,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/**
 * What a caller refused for a full hashing queue is told (by the hasher, or by the front door
 * first).
 */
export const HASHING_BUSY = 'Too many password checks at once; retry shortly';

/**
 * Which places a hash may take: `shared` (anyone) stops short of the last
 * `reserved` places, which only `reserved` callers (a browser with a device
 * cookie from an earlier successful sign-in to that account) may fill.
 */
export type HashLane = 'shared' | 'reserved';

export interface HashOptions {
  /** Default `shared`. */
  readonly lane?: HashLane;
}

export interface PasswordHasher {
  hash(password: string, options?: HashOptions): Promise<string>;
  /**
   * Verifies against the stored hash, or against a dummy hash when there is none (same cost either
   * way).
   */
  verify(stored: string | undefined, password: string, options?: HashOptions): Promise<boolean>;
  /**
   * Throws RATE_LIMITED at once when the lane's places are all taken (check before doing other
   * work).
   */
  assertCapacity(lane?: HashLane): void;
  /**
   * Whether the lane's places are all taken right now (the front door refuses sign-ins before
   * parsing them).
   */
  isSaturated(lane?: HashLane): boolean;
  /**
   * Hashes that may be running or queued at once (concurrency + queue), reserved places included.
   */
  readonly capacity: number;
  /** Of `capacity`, the places only the `reserved` lane may take. */
  readonly reserved: number;
  /** Whether a stored hash uses other parameters than today's. */
  needsRehash(stored: string): boolean;
}

/**
 * argon2id on libuv's thread pool (the event loop stays free), with at most
 * `concurrency` hashes at once and a short queue; past that, callers get a
 * fast RATE_LIMITED instead of piling up memory and latency. The last
 * quarter of the queue (at least one place) is reserved for device-cookie
 * holders, who also wait ahead of the shared lane: a flood of anonymous
 * sign-ins fills only the shared places.
 */
export async function createPasswordHasher(options: {
  concurrency: number;
  maxQueue?: number;
}): Promise<PasswordHasher> {
  const maxQueue = options.maxQueue ?? options.concurrency * 4;
  const reserved = Math.max(1, Math.ceil(maxQueue / 4));
  let running = 0;
  const waiting: (() => void)[] = [];
  let reservedWaiting = 0;
  const queueFor = (lane: HashLane): number =>
    lane === 'reserved' ? maxQueue : maxQueue - reserved;

  const withSlot = async <T>(work: () => Promise<T>, lane: HashLane): Promise<T> => {
    if (running >= options.concurrency) {
      if (waiting.length >= queueFor(lane))
        throw new AppError('RATE_LIMITED', { message: HASHING_BUSY, retryAfterSeconds: 1 });
      await new Promise<void>((resolve) => {
        if (lane === 'shared') return void waiting.push(resolve);
        // Device-cookie holders wait ahead of the shared lane, in their own order.
        waiting.splice(reservedWaiting++, 0, () => {
          reservedWaiting--;
          resolve();
        });
      });
    } else {
      running++;
    }
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };

  const dummy = await hash('gatehouse dummy password for unknown accounts', ARGON2_PARAMS);

  const isSaturated = (lane: HashLane = 'shared'): boolean =>
    running >= options.concurrency && waiting.length >= queueFor(lane);
  return {
    isSaturated,
    capacity: options.concurrency + maxQueue,
    reserved,
    assertCapacity(lane = 'shared') {
      if (isSaturated(lane)) {
        throw new AppError('RATE_LIMITED', { message: HASHING_BUSY, retryAfterSeconds: 1 });
      }
    },
    hash: (password, hashOptions) =>
      withSlot(() => hash(password, ARGON2_PARAMS), hashOptions?.lane ?? 'shared'),
    verify: (stored, password, hashOptions) =>
      withSlot(async () => {
        try {
          const ok = await verify(stored ?? dummy, password);
          return stored !== undefined && ok;
        } catch {
          return false;
        }
      }, hashOptions?.lane ?? 'shared'),
    needsRehash(stored) {
      try {
        const p = parseOptions(stored);
        return (
          Number(p.algorithm) !== ARGON2_PARAMS.algorithm ||
          p.memoryCost !== ARGON2_PARAMS.memoryCost ||
          p.timeCost !== ARGON2_PARAMS.timeCost ||
          p.parallelism !== ARGON2_PARAMS.parallelism
        );
      } catch {
        return true;
      }
    },
  };
}
