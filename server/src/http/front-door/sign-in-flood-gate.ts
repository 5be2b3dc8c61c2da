import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../../app-deps';
import { createRefusalQueue } from '../refusal-queue';
import { refuseSignIn } from '../refuse-sign-in';
import type { BeginRequest } from './begin-request';

/**
 * Refused on arrival while every password-hashing place is taken (as httpLink and httpBatchLink
 * send it).
 */
const SIGN_IN_PATH = '/trpc/auth.signIn';
const SIGN_IN_BATCH_URL = `${SIGN_IN_PATH}?batch=1`;

/** True when it took the request: the front door then runs none of its steps. */
export type SignInFloodGate = (
  req: IncomingMessage,
  res: ServerResponse,
  startedAt: number,
) => boolean;

/**
 * A sign-in flood: every password-hashing place is spoken for. A sign-in is
 * then refused before anything else runs (not even the request id), and
 * answered at low priority, after the other requests that are ready
 * (refusal-queue.ts, refuse-sign-in.ts).
 */
export function createSignInFloodGate(
  deps: Pick<AppDeps, 'log' | 'metrics' | 'signInAdmission' | 'deviceCookies'>,
  begin: BeginRequest,
): SignInFloodGate {
  const refusals = createRefusalQueue((err) =>
    deps.log.error({ err }, 'answering a refusal failed'),
  );
  return (req, res, startedAt) => {
    if (
      req.method !== 'POST' ||
      (req.url !== SIGN_IN_PATH && req.url !== SIGN_IN_BATCH_URL) ||
      !deps.signInAdmission.isFull(frontDoorDevice(deps, req))
    ) {
      return false;
    }
    req.resume();
    refusals.push(
      () => res.destroyed,
      () => refuseSignIn(deps.metrics, res, begin(req, res, startedAt).state),
    );
    return true;
  };
}

/**
 * The verified device cookie of a sign-in at the front door, before the
 * transport is resolved (either cookie name).
 */
function frontDoorDevice(
  deps: Pick<AppDeps, 'deviceCookies'>,
  req: IncomingMessage,
): string | undefined {
  return (
    deps.deviceCookies.read(req.headers.cookie, true) ??
    deps.deviceCookies.read(req.headers.cookie, false)
  )?.deviceId;
}
