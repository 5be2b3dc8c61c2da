/**
 * The `password_hash` of an account an administrator created, until its owner
 * accepts the invitation and sets a password. Not a PHC string, so argon2's
 * verify rejects it for every password (password-hasher.ts answers false);
 * sign-in also verifies against the dummy hash instead, so such an account
 * costs the same argon2 work as an unknown email and its answer time says
 * nothing about a pending invitation.
 */
export const NO_PASSWORD_HASH = '!no-password: set through the invitation link';

/** Whether the stored hash is a real one (not {@link NO_PASSWORD_HASH} or another `!` marker). */
export function hasUsablePassword(storedHash: string): boolean {
  return !storedHash.startsWith('!');
}
