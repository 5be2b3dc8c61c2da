import { createPasswordHasher } from '../../server/src/auth/password-hasher';

/**
 * Baseline for the sign-in flood: the raw argon2id rate on this machine,
 * `verify` of a wrong password with the server's parameters (its hasher,
 * without HTTP or database), `concurrency` at a time (the server's
 * ARGON2_CONCURRENCY), for `seconds`. Prints JSON.
 */
const concurrency = Number(process.argv[2] ?? 1);
const seconds = Number(process.argv[3] ?? 5);
const hasher = await createPasswordHasher({ concurrency });
const stored = await hasher.hash('the stored password of a bench user');
const deadline = performance.now() + seconds * 1000;
let done = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      await hasher.verify(stored, 'not the right password');
      done++;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ verifies: done, seconds: elapsed, perSecond: done / elapsed })}\n`,
);
