/**
 * COSE algorithms a passkey may use: ES256, EdDSA, RS256 (what authenticators ship). Fixed
 * here rather than left to the library, whose default grows with the runtime.
 */
export const SUPPORTED_ALGORITHMS = [-7, -8, -257] as const;
