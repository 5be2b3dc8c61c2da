import type { PayloadCipher } from '../mail/mail-message';

/** Associated data binding a TOTP secret to its user: it cannot be moved to another account. */
export function totpAad(userId: string): string {
  return `user:${userId}:totp`;
}

export function sealTotpKey(cipher: PayloadCipher, userId: string, key: Uint8Array): string {
  return cipher.encrypt(Buffer.from(key).toString('base64'), totpAad(userId));
}

export function openTotpKey(cipher: PayloadCipher, userId: string, sealed: string): Uint8Array {
  return new Uint8Array(Buffer.from(cipher.decrypt(sealed, totpAad(userId)), 'base64'));
}
