import { sendJson } from '../send-json';
import type { FrontDoorStep } from './front-door-step';

/** `GET /healthz`: liveness probes come from the orchestrator, so this answers before any limit. */
export const answerHealthz: FrontDoorStep = (req, res, { pathname }) => {
  if (pathname !== '/healthz' || (req.method !== 'GET' && req.method !== 'HEAD')) return 'continue';
  res.setHeader('cache-control', 'no-store');
  sendJson(res, 200, { status: 'ok' });
  return 'handled';
};
