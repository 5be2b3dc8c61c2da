import { randomBytes } from 'node:crypto';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;

/** A new 160-bit TOTP key (RFC 4226's recommended length). */
export function newTotpKey(): Uint8Array {
  return new Uint8Array(randomBytes(20));
}

export function totpKeyBase32(key: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(key);
}

/** The `otpauth://` URI authenticator apps read from a QR code (SHA-1, 6 digits, 30 s). */
export function totpUri(accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI('Gatehouse', accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/**
 * The time step (RFC 6238 counter) a code belongs to, allowing one step of
 * clock skew either way, or undefined when it matches none. Callers refuse
 * a step at or before the last one accepted, so a code works once.
 */
export function matchTotpStep(
  key: Uint8Array,
  code: string,
  now: Date = new Date(),
): number | undefined {
  const current = Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
  for (const step of [current - 1, current, current + 1]) {
    if (verifyHOTP(key, BigInt(step), TOTP_DIGITS, code)) return step;
  }
  return undefined;
}
