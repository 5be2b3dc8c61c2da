/**
 * The closed set of machine-readable error reasons. Every error that leaves the
 * server carries exactly one of these in `error.data.reason`; clients branch on
 * them, never on messages.
 */
export const REASONS = [
  // transport and protocol
  'BAD_REQUEST',
  'MALFORMED_JSON',
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'BATCH_TOO_LARGE',
  'URL_TOO_LONG',
  'JSON_TOO_DEEP',
  'METHOD_NOT_SUPPORTED',
  'NOT_FOUND',
  'PROCEDURE_NOT_FOUND',
  'HTTPS_REQUIRED',
  'TIMEOUT',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
  // abuse
  'RATE_LIMITED',
  'TOO_MANY_ATTEMPTS',
  'RECIPIENT_RATE_LIMITED',
  'CSRF_REJECTED',
  'CORS_REJECTED',
  // authentication
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'ACCOUNT_BANNED',
  'SESSION_INVALID',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'BOOTSTRAP_TOKEN_INVALID',
  'EMAIL_NOT_VERIFIED',
  'PASSWORD_TOO_SHORT',
  'PASSWORD_TOO_LONG',
  'PASSWORD_TOO_COMMON',
  'PASSWORD_CONTAINS_EMAIL',
  'API_KEY_IN_QUERY',
  'API_KEY_INVALID',
  'BASIC_AUTH_UNSUPPORTED',
  'JWT_INVALID',
  'MFA_REQUIRED',
  'MFA_INVALID_CODE',
  'MFA_ALREADY_ENABLED',
  'MFA_NOT_ENABLED',
  'REAUTH_REQUIRED',
  'MFA_REQUIRED_BY_ORG',
  'SIGN_IN_METHOD_REQUIRED_BY_ORG',
  // identity providers (issue 20)
  'IDP_STATE_INVALID',
  'IDP_RESPONSE_INVALID',
  'IDP_EMAIL_UNVERIFIED',
  'IDP_EMAIL_DOMAIN_REFUSED',
  'IDENTITY_ALREADY_LINKED',
  'LAST_SIGN_IN_METHOD',
  // secret minting (issue 17 items 1, 2, 5)
  'SESSION_REQUIRED',
  // authorization and resources
  'FORBIDDEN',
  'SCOPE_EXCEEDS_GRANT',
  'ROLE_TOO_HIGH',
  'LAST_OWNER',
  'LAST_ADMIN',
  'IMPERSONATION_READ_ONLY',
  'EXPORT_NOT_READY',
  'ALREADY_MEMBER',
  'CONFLICT',
  'WEBHOOK_DESTINATION_REFUSED',
  'WEBHOOK_ENDPOINT_LIMIT',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
  'IDEMPOTENCY_SECRET_NOT_REPLAYED',
] as const;

export type Reason = (typeof REASONS)[number];

const reasonSet: ReadonlySet<string> = new Set(REASONS);

/** Whether a value is one of the known {@link Reason}s. */
export function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && reasonSet.has(value);
}
