/** A rendered mail, as stored (encrypted) in the outbox and handed to a transport. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Something that encrypts outbox payloads at rest (the key ring). */
export interface PayloadCipher {
  encrypt(plaintext: string, aad: string): string;
  decrypt(ciphertext: string, aad: string): string;
}
