import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { AppError } from '../pipeline/app-error';
import type { Principal } from '../pipeline/principal';

/** An administrator (a session or a `user:manage` key) changing someone's access. */
export interface AccessChanger {
  readonly deps: Pick<AppDeps, 'db' | 'sessions' | 'tokenRevocations'>;
  readonly principal: Principal;
  /** Records as the real principal: a key's act is the key's, never its user's. */
  readonly audit: RequestAudit;
}

/** The answer for an unknown user id. */
export function noSuchUser(): AppError {
  return new AppError('NOT_FOUND', { message: 'No such user' });
}
