import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

let list: ReadonlySet<string> | undefined;

/** The 100,000 most common passwords (see data/README.md), loaded once. */
function commonPasswords(): ReadonlySet<string> {
  list ??= new Set(
    gunzipSync(readFileSync(new URL('./data/common-passwords-100k.txt.gz', import.meta.url)))
      .toString('utf8')
      .split('\n')
      .filter(Boolean),
  );
  return list;
}

/** Whether a password is on the common/breached list (as typed, or lower-cased). */
export function isCommonPassword(password: string): boolean {
  const set = commonPasswords();
  return set.has(password) || set.has(password.toLowerCase());
}

/** Loads the list now rather than on the first sign-up. */
export function preloadCommonPasswords(): number {
  return commonPasswords().size;
}
