import { hash, parseOptions, verify } from '@node-rs/argon2';
import { AppError } from '../pipeline/app-error';

/** OWASP's argon2id parameters: m=19456 KiB, t=2, p=1. */
export const ARGON2_PARAMS = Object.freeze({ algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 });

/** What a caller refused for a full hashing queue is told (by the hasher, or by the front door first). */
export const HASHING_BUSY = 'Too many password checks at once; retry shortly';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against the stored hash, or against a dummy hash when there is none (same cost either way). */
  verify(stored: string | undefined, password: string): Promise<boolean>;
  /** Throws RATE_LIMITED at once when the hashing queue is full (check before doing other work). */
  assertCapacity(): void;
  /** Whether the hashing queue is full right now (the front door refuses sign-ins before parsing them). */
  isSaturated(): boolean;
  /** Hashes that may be running or queued at once (concurrency + queue). */
  readonly capacity: number;
  /** Whether a stored hash uses other parameters than today's. */
  needsRehash(stored: string): boolean;
}

/**
 * argon2id on libuv's thread pool (the event loop stays free), with at most
 * `concurrency` hashes at once and a short queue; past that, callers get a
 * fast RATE_LIMITED instead of piling up memory and latency.
 */
export async function createPasswordHasher(options: { concurrency: number; maxQueue?: number }): Promise<PasswordHasher> {
  const maxQueue = options.maxQueue ?? options.concurrency * 4;
  let running = 0;
  const waiting: (() => void)[] = [];

  const withSlot = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= options.concurrency) {
      if (waiting.length >= maxQueue) throw new AppError('RATE_LIMITED', { message: HASHING_BUSY, retryAfterSeconds: 1 });
      await new Promise<void>((resolve) => waiting.push(resolve));
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

  const isSaturated = (): boolean => running >= options.concurrency && waiting.length >= maxQueue;
  return {
    isSaturated,
    capacity: options.concurrency + maxQueue,
    assertCapacity() {
      if (isSaturated()) {
        throw new AppError('RATE_LIMITED', { message: HASHING_BUSY, retryAfterSeconds: 1 });
      }
    },
    hash: (password) => withSlot(() => hash(password, ARGON2_PARAMS)),
    verify: (stored, password) =>
      withSlot(async () => {
        try {
          const ok = await verify(stored ?? dummy, password);
          return stored !== undefined && ok;
        } catch {
          return false;
        }
      }),
    needsRehash(stored) {
      try {
        const p = parseOptions(stored);
        return Number(p.algorithm) !== ARGON2_PARAMS.algorithm || p.memoryCost !== ARGON2_PARAMS.memoryCost || p.timeCost !== ARGON2_PARAMS.timeCost || p.parallelism !== ARGON2_PARAMS.parallelism;
      } catch {
        return true;
      }
    },
  };
}
