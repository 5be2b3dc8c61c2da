import type { PlainRoute } from '../plain-route';
import type { FrontDoorStep } from './front-door-step';

/** The non-tRPC endpoints (docs, OAuth token, JWKS, metrics...), the first that answers wins. */
export function routePlain(plainRoutes: readonly PlainRoute[]): FrontDoorStep {
  return (req, res, { pathname, state }) => {
    for (const plain of plainRoutes) if (plain(req, res, state, pathname)) return 'handled';
    return 'continue';
  };
}
