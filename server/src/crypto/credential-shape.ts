/**
 * Values shaped like our credentials, whatever member they sit under: an API
 * key (`gth_live_…`), a session token (`<id>.<secret>`), a JWT, or an
 * Authorization header value. The audit log and the process log both redact them.
 */
export const CREDENTIAL_SHAPE =
  /gth_live_|[a-z2-7]{24}\.[A-Za-z0-9_-]{43}|eyJ[\w-]*\.[\w-]*\.|^\s*(?:bearer|basic)\s/i;
