import type { Kysely, Transaction } from 'kysely';
import type { AuditAction } from '../audit/audit-actions';
import type { Database } from '../db/database';

/** Who an audit row says acted. */
export interface AuditActor {
  readonly type: 'user' | 'api_key' | 'system' | 'anonymous';
  readonly id: string | null;
  /**
   * The user an administrator acted as (an impersonation): the row's `on_behalf_of`. The actor
   * is then the administrator, so a row never hides who really acted.
   */
  readonly onBehalfOf?: string | undefined;
}

/** One security-relevant act, as features report it to the audit log. */
export interface AuditEventInput {
  readonly action: AuditAction;
  readonly actor: AuditActor;
  readonly target?: { readonly type: string; readonly id: string } | undefined;
  readonly orgId?: string | undefined;
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly ip?: string | undefined;
  readonly requestId?: string | undefined;
  /** Redacted by the writer; never put secrets here anyway. */
  readonly details?: Record<string, unknown> | undefined;
}

/**
 * Where features record audit events: inside their own transaction (the
 * event commits with the change) or on the plain database handle.
 */
export interface AuditSink {
  append(db: Kysely<Database> | Transaction<Database>, event: AuditEventInput): Promise<void>;
}

/**
 * The audit actor for a principal: the API key for key and token callers, the administrator
 * (on behalf of the user) for an impersonation, else the user.
 */
export function actorOf(
  principal: {
    kind: string;
    userId: string;
    apiKeyId: string | undefined;
    impersonation?: { readonly adminId: string } | undefined;
  } | null,
): AuditActor {
  if (!principal) return { type: 'anonymous', id: null };
  if ((principal.kind === 'apiKey' || principal.kind === 'jwt') && principal.apiKeyId)
    return { type: 'api_key', id: principal.apiKeyId };
  if (principal.impersonation)
    return { type: 'user', id: principal.impersonation.adminId, onBehalfOf: principal.userId };
  return { type: 'user', id: principal.userId };
}
