import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** The parts of an IncomingMessage the front-door guards read. */
export function fakeRequest(options: {
  method?: string;
  headers?: IncomingHttpHeaders;
  remoteAddress?: string;
  encrypted?: boolean;
}): IncomingMessage {
  return {
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    socket: {
      remoteAddress: options.remoteAddress ?? '127.0.0.1',
      ...(options.encrypted ? { encrypted: true } : {}),
    },
  } as unknown as IncomingMessage;
}
