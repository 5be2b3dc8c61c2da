import { sendJson } from '../send-json';
import { trpcErrorBody } from '../trpc-error-body';
import type { FrontDoorStep } from './front-door-step';

/** A URL over MAX_URL_LENGTH characters: 414-style refusal `URL_TOO_LONG`. */
export function refuseLongUrl(maxUrlLength: number): FrontDoorStep {
  const message = `The URL exceeds ${maxUrlLength} characters`;
  return (_req, res, { url, state }) => {
    if (url.length <= maxUrlLength) return 'continue';
    const { status, body } = trpcErrorBody('URL_TOO_LONG', message, state.requestId);
    state.reason = 'URL_TOO_LONG';
    sendJson(res, status, body);
    return 'handled';
  };
}
