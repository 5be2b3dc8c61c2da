import { sendJson } from '../send-json';
import type { FrontDoorStep } from './front-door-step';

/** The last step: anything no route took is a JSON 404 `NOT_FOUND`. */
export const answerNotFound: FrontDoorStep = (_req, res, { state }) => {
  state.reason = 'NOT_FOUND';
  const error = { message: 'Not found', reason: 'NOT_FOUND', requestId: state.requestId };
  sendJson(res, 404, { error });
  return 'handled';
};
