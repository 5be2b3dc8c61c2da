import type { Logger } from 'pino';

/** Version of the security-event line format (docs/security-events.md). */
export const SECURITY_EVENT_SCHEMA = 1;

/**
 * Every security-event type: a closed list, documented in
 * docs/security-events.md (test/docs/closed-lists-docs.test.ts keeps the
 * two equal).
 */
export const SECURITY_EVENT_TYPES = [
  'auth.sign_in_failed',
  'auth.locked_out',
  'auth.credential_invalid',
  'csrf.rejected',
  'rate_limit.rejected',
  'authz.denied',
  'privilege.changed',
  'credential.exposed',
  'webhook.destination_refused',
] as const;

export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

export interface SecurityEvent {
  readonly type: SecurityEventType;
  readonly requestId: string;
  readonly ip: string;
  readonly principal?:
    | { readonly kind: string; readonly userId: string; readonly apiKeyId?: string | undefined }
    | null
    | undefined;
  /** Never secrets: reasons, ids, permissions, roles. */
  readonly details?: Record<string, unknown>;
}

/**
 * One structured log line per security event, for a SIEM: fixed fields,
 * a versioned schema, no secrets (the logger's redaction is a second net).
 */
export function securityEvent(log: Logger, event: SecurityEvent): void {
  log.warn(
    {
      event: 'security',
      schema: SECURITY_EVENT_SCHEMA,
      type: event.type,
      requestId: event.requestId,
      ip: event.ip,
      principal: event.principal
        ? {
            kind: event.principal.kind,
            userId: event.principal.userId,
            ...(event.principal.apiKeyId ? { apiKeyId: event.principal.apiKeyId } : {}),
          }
        : null,
      ...(event.details ? { details: event.details } : {}),
    },
    `security: ${event.type}`,
  );
}
