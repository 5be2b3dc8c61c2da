import { consumeOneTimeToken, createOneTimeToken } from '../auth/one-time-tokens';
import type { Database } from '../db/database';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../pipeline/app-error';

type Db = Kysely<Database> | Transaction<Database>;

/** A passkey challenge works this long, once. */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;

export type ChallengePurpose = 'passkey_registration' | 'passkey_authentication';

/**
 * What a challenge is bound to, stored beside its hash and compared whole at use: the
 * session (registration, step-up), the browser's binding cookie (sign-in), the MFA challenge
 * of the sign-in it completes.
 */
export type ChallengeBinding = Readonly<Record<string, string>>;

/**
 * Mints a WebAuthn challenge: a 256-bit one-time token (only its SHA-256 stored), handed to
 * the options as its 32 bytes, so the options' base64url `challenge` is the token itself and
 * the client data of the answer carries it back.
 */
export async function mintPasskeyChallenge(
  db: Db,
  purpose: ChallengePurpose,
  userId: string | null,
  binding: ChallengeBinding,
): Promise<{ token: string; bytes: Uint8Array<ArrayBuffer> }> {
  const token = await createOneTimeToken(db, purpose, userId, PASSKEY_CHALLENGE_TTL_MS, {
    ...binding,
  });
  return { token, bytes: new Uint8Array(Buffer.from(token, 'base64url')) };
}

/** The challenge an answer's client data carries (not yet trusted: it names a token). */
export function challengeOf(clientDataJSON: string): string {
  let challenge: unknown;
  try {
    challenge = (
      JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as {
        challenge?: unknown;
      }
    ).challenge;
  } catch {
    challenge = undefined;
  }
  if (typeof challenge !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
    throw new AppError('INVALID_CREDENTIALS', { message: 'The passkey answer is malformed' });
  return challenge;
}

/**
 * Uses up the challenge an answer carries, before any verification (a failed answer spends
 * it too: every challenge is answered once). Refused unless it is live, of `purpose`, and
 * bound to exactly `binding` (and to `userId` when one is given).
 */
export async function consumePasskeyChallenge(
  db: Db,
  purpose: ChallengePurpose,
  challenge: string,
  expected: { readonly userId: string | null; readonly binding: ChallengeBinding },
): Promise<void> {
  const used = await consumeOneTimeToken(db, purpose, challenge);
  if (!used.ok)
    throw new AppError(used.reason, {
      message: 'The passkey challenge is invalid, used or expired; ask for new options',
    });
  const bound =
    (expected.userId === null || used.userId === expected.userId) &&
    Object.keys(used.data).length === Object.keys(expected.binding).length &&
    Object.entries(expected.binding).every(([k, v]) => used.data[k] === v);
  if (!bound)
    throw new AppError('TOKEN_INVALID', {
      message: 'The passkey challenge was not issued to this session or browser',
    });
}
