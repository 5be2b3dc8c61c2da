import type { Cors } from '../cors';
import { sendJson } from '../send-json';
import { trpcErrorBody } from '../trpc-error-body';
import type { FrontDoorStep } from './front-door-step';

/** A CORS preflight: 204 for an allowed origin, `CORS_REJECTED` otherwise. */
export function answerPreflight(cors: Cors): FrontDoorStep {
  return (req, res, { state }) => {
    if (!cors.isPreflight(req)) return 'continue';
    if (cors.answerPreflight(req, res) === 'refused') {
      state.reason = 'CORS_REJECTED';
      const { status, body } = trpcErrorBody(
        'CORS_REJECTED',
        'This origin may not call the API',
        state.requestId,
      );
      sendJson(res, status, body);
      return 'handled';
    }
    res.statusCode = 204;
    res.end();
    return 'handled';
  };
}
