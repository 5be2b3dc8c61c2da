import type { IncomingHttpHeaders } from 'node:http';
import type { Reason } from '@gatehouse/shared';
import type { Logger } from 'pino';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import type { ValidatedSession } from '../sessions/session-service';
import type { Principal } from './principal';

/** Lets procedures set cookies and headers on the HTTP response. */
export interface ResponseControl {
  setHeader(name: string, value: string | readonly string[]): void;
  appendCookie(cookie: string): void;
}

/** The per-request context every procedure receives. */
export interface Context {
  readonly requestId: string;
  readonly ip: string;
  /** Whether the request arrived over HTTPS (directly or via a trusted proxy). */
  readonly secure: boolean;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly userAgent: string | undefined;
  readonly log: Logger;
  readonly deps: AppDeps;
  readonly principal: Principal | null;
  /** The validated session, when the principal came from a session cookie. */
  readonly session: ValidatedSession | undefined;
  /** Why presented credentials were refused, if they were. */
  readonly authError: Reason | null;
  readonly response: ResponseControl;
  /**
   * Records audit rows and security events as this request's principal
   * (audit/request-audit.ts); bound to the org inside org procedures.
   */
  readonly audit: RequestAudit;
}
