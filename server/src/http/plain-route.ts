import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestState } from './request-state';

/** A non-tRPC endpoint (docs, OpenAPI, token endpoint, JWKS...): returns true when it answered. */
export type PlainRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  state: RequestState,
  pathname: string,
) => boolean;
