import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { securityEvent, type SecurityEventType } from '../observability/security-events';
import {
  actorOf,
  type AuditActor,
  type AuditEventInput,
  type AuditSink,
} from '../pipeline/audit-sink';
import type { Principal } from '../pipeline/principal';
import type { AuditAction } from './audit-actions';

/** What a feature says about one act; who, where and which request come from the recorder. */
export interface AuditRecordOptions {
  readonly target?: AuditEventInput['target'];
  readonly details?: Record<string, unknown>;
  /** Defaults to `success`. */
  readonly outcome?: AuditEventInput['outcome'];
  /**
   * Overrides the actor taken from the request's principal. Only for acts
   * before there is a principal (a failed sign-in, a sign-up, a reset by
   * emailed token) or done by the system (the exposed-credential revokers).
   */
  readonly actor?: AuditActor;
}

/** The request facts every audit row and security event carries. */
export interface AuditedRequest {
  readonly principal: Principal | null;
  readonly ip: string;
  readonly requestId: string;
  readonly log: Logger;
}

/**
 * The request-scoped audit recorder, `ctx.audit`: the actor is always the
 * real principal (the API key for key and JWT callers, the user for
 * sessions), so no caller can record a key's act as its user's. During an
 * impersonation the actor is the administrator and every row names the
 * impersonated user in `on_behalf_of`. The
 * org-scoped step binds the org (`inOrg`), so rows of org procedures carry
 * it without the handler repeating it. A class, not closures: one small
 * object per request on the hot path.
 */
export class RequestAudit {
  constructor(
    private readonly sink: AuditSink,
    private readonly request: AuditedRequest,
    /** The org every row recorded through this recorder belongs to. */
    readonly orgId: string | undefined = undefined,
  ) {}

  /**
   * Who the request acts as: the key for key and JWT callers, the
   * administrator on behalf of the user for an impersonation, else the
   * user; anonymous without a principal.
   */
  get actor(): AuditActor {
    return actorOf(this.request.principal);
  }

  /** Appends one row, inside `db` when it is the change's transaction (the row commits with it). */
  record(
    db: Kysely<Database> | Transaction<Database>,
    action: AuditAction,
    options: AuditRecordOptions = {},
  ): Promise<void> {
    return this.sink.append(db, this.event(action, options));
  }

  /** The row `record` would append, for writers that batch or aggregate (aggregated-audit.ts). */
  event(action: AuditAction, options: AuditRecordOptions = {}): AuditEventInput {
    return {
      action,
      actor: options.actor ?? this.actor,
      target: options.target,
      orgId: this.orgId,
      outcome: options.outcome ?? 'success',
      ip: this.request.ip,
      requestId: this.request.requestId,
      details: options.details,
    };
  }

  /** The same recorder with every row bound to `orgId`. */
  inOrg(orgId: string): RequestAudit {
    return new RequestAudit(this.sink, this.request, orgId);
  }

  /** One security-event log line with this request's id, address and principal. */
  security(type: SecurityEventType, details?: Record<string, unknown>): void {
    securityEvent(this.request.log, {
      type,
      requestId: this.request.requestId,
      ip: this.request.ip,
      principal: this.request.principal,
      ...(details ? { details } : {}),
    });
  }
}
