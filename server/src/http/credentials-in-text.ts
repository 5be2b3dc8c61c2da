import { parseApiKey } from '../api-keys/api-key-token';
import { parseSessionToken } from '../sessions/session-token';
import type { ExposedCredential } from './credential-over-plain-http';

/** An API key: prefix, id, secret, checksum (the checksum is verified below). */
const API_KEY = /gth_live_[a-z2-7]{16}_[a-z2-7]{59}/g;
/** A JWT: two base64url JSON objects (`{"` encodes as `eyJ`) and a signature. */
const JWT = /eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{16,}/g;
/** A session token `<id>.<secret>`, not part of a longer run. */
const SESSION = /(?<![A-Za-z0-9_-])[a-z2-7]{24}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

/**
 * Every credential of ours inside a piece of text (a URL, a header value, a
 * body), whatever name or syntax surrounds it: API keys with a valid
 * checksum, JWT-shaped tokens and session tokens. Shape is all that is
 * checked here; the revokers verify the secret, so a forged value revokes
 * nothing. The text is also read form-decoded (`%xx`, `+`).
 */
export function credentialsInText(text: string, source: string): ExposedCredential[] {
  const found: ExposedCredential[] = [];
  const seen = new Set<string>();
  for (const variant of decodings(text)) {
    for (const m of variant.matchAll(API_KEY))
      if (parseApiKey(m[0])) add(found, seen, { kind: 'apiKey', source, value: m[0] });
    for (const m of variant.matchAll(JWT))
      add(found, seen, { kind: 'bearer', source, value: m[0] });
    for (const m of variant.matchAll(SESSION))
      if (parseSessionToken(m[0])) add(found, seen, { kind: 'session', source, value: m[0] });
  }
  return found;
}

function add(found: ExposedCredential[], seen: Set<string>, credential: ExposedCredential): void {
  if (seen.has(credential.value)) return;
  seen.add(credential.value);
  found.push(credential);
}

function decodings(text: string): string[] {
  if (!text.includes('%') && !text.includes('+')) return [text];
  let decoded = text.replace(/\+/g, ' ');
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // A stray `%`: decode what can be decoded, sequence by sequence.
    decoded = decoded.replace(/%[0-9A-Fa-f]{2}/g, (s) =>
      String.fromCharCode(parseInt(s.slice(1), 16)),
    );
  }
  return [text, decoded];
}
