import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../app-deps';
import { createCors } from './cors';
import { createCsrfGuard } from './csrf';
import { answerHealthz } from './front-door/answer-healthz';
import { answerNotFound } from './front-door/answer-not-found';
import { answerPreflight } from './front-door/answer-preflight';
import { answerReadyz } from './front-door/answer-readyz';
import { createBeginRequest } from './front-door/begin-request';
import { capConcurrency } from './front-door/cap-concurrency';
import { runSteps, type FrontDoorStep } from './front-door/front-door-step';
import { limitRate } from './front-door/limit-rate';
import { refuseCredentialInQuery } from './front-door/refuse-credential-in-query';
import { refuseCrossSite } from './front-door/refuse-cross-site';
import { refuseLongUrl } from './front-door/refuse-long-url';
import { refusePlainHttp } from './front-door/refuse-plain-http';
import { routePlain } from './front-door/route-plain';
import { routeTrpc } from './front-door/route-trpc';
import { createSignInFloodGate } from './front-door/sign-in-flood-gate';
import type { PlainRoute } from './plain-route';
import type { TrpcEndpoint } from './trpc-endpoint';

export interface RequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** From now on `/readyz` fails and responses close their connections. */
  startDraining(): void;
}

/** What the front door's steps use. */
export type FrontDoorDeps = Pick<
  AppDeps,
  | 'config'
  | 'log'
  | 'metrics'
  | 'database'
  | 'db'
  | 'rateLimiter'
  | 'exposedCredentialRevoker'
  | 'signInAdmission'
  | 'deviceCookies'
>;

/**
 * The HTTP front door. A sign-in refused on arrival during a flood comes
 * first (answered at low priority); every other request gets its request id,
 * security and CORS headers and access-log line (begin-request.ts), then
 * runs the steps below in order until one answers. Each step is built once
 * here; a request allocates no closures beyond the ones its steps need.
 */
export function createRequestHandler(
  deps: FrontDoorDeps,
  trpc: TrpcEndpoint,
  plainRoutes: readonly PlainRoute[] = [],
): RequestHandler {
  let draining = false;
  const isDraining = (): boolean => draining;
  const { corsOrigins, publicUrl, maxUrlLength } = deps.config.http;
  const cors = createCors(corsOrigins);
  const csrf = createCsrfGuard({ allowlist: corsOrigins, publicUrl });
  const begin = createBeginRequest(deps, cors, isDraining);
  const signInFlood = createSignInFloodGate(deps, begin);

  const steps: readonly FrontDoorStep[] = [
    refusePlainHttp(deps), // a plain-HTTP request forwarded by a proxy (outside development)
    refuseLongUrl(maxUrlLength),
    refuseCredentialInQuery(deps),
    answerHealthz, // never limited
    capConcurrency(deps), // requests in flight per IP
    limitRate(deps, (req, res, arrival) => runSteps(steps, req, res, arrival)), // per IP
    answerPreflight(cors),
    refuseCrossSite(csrf),
    routeTrpc(trpc),
    routePlain(plainRoutes),
    answerReadyz(deps, isDraining),
    answerNotFound,
  ];

  const handler = function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    if (signInFlood(req, res, startedAt)) return;
    runSteps(steps, req, res, begin(req, res, startedAt));
  } as RequestHandler;
  handler.startDraining = () => {
    draining = true;
  };
  return handler;
}
