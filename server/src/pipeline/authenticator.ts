import type { IncomingHttpHeaders } from 'node:http';
import type { Reason } from '@gatehouse/shared';
import type { ValidatedSession } from '../sessions/session-service';
import type { Principal } from './principal';

/** What an authenticator sees of the request. */
export interface AuthRequest {
  readonly headers: IncomingHttpHeaders;
  readonly cookies: Readonly<Record<string, string>>;
  readonly secure: boolean;
  readonly ip: string;
  readonly requestId: string;
}

/**
 * `undefined`: no credential of this kind was presented (try the next one).
 * `{ error }`: a credential was presented and refused; the request is treated
 * as anonymous and protected procedures answer with that reason.
 */
export type AuthOutcome =
  | { readonly principal: Principal; readonly session?: ValidatedSession }
  | { readonly error: Reason }
  | undefined;

/** One way of turning a request into a principal (session cookie, API key, JWT). */
export type Authenticator = (req: AuthRequest) => Promise<AuthOutcome>;
