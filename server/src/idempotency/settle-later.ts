import type { Logger } from 'pino';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;
/** Give up after this long: by then the claim counts as abandoned anyway (with-idempotency). */
const GIVE_UP_AFTER_MS = 5 * 60_000;

/**
 * Runs a bookkeeping write now; if it fails (the database is away), keeps
 * retrying it in the background with backoff instead of failing the caller,
 * whose own work is already done or already failed.
 */
export async function settleLater(
  log: Logger,
  what: string,
  write: () => Promise<unknown>,
): Promise<void> {
  try {
    await write();
    return;
  } catch (err) {
    log.warn({ err }, `${what} failed; retrying in the background`);
  }
  const started = Date.now();
  let delay = FIRST_RETRY_MS;
  const attempt = (): void => {
    write().then(
      () => log.info(`${what}: done after ${Date.now() - started} ms`),
      () => {
        if (Date.now() - started > GIVE_UP_AFTER_MS) {
          log.error(`${what}: gave up after ${GIVE_UP_AFTER_MS / 1000} s`);
          return;
        }
        delay = Math.min(delay * 2, MAX_RETRY_MS);
        setTimeout(attempt, delay).unref();
      },
    );
  };
  setTimeout(attempt, delay).unref();
}
