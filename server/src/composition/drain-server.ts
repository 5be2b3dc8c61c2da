import type { Server } from 'node:http';
import net from 'node:net';
import type { RequestHandler } from '../http/create-request-handler';

/**
 * Stops accepting and lets in-flight requests finish, for `timeoutMs` at
 * most; then cuts the connections still open.
 */
export async function drainServer(
  server: Server,
  handler: RequestHandler,
  timeoutMs: number,
): Promise<void> {
  handler.startDraining();
  // Stop listening without http.Server#close's sweep of idle keep-alive
  // sockets: a client may be writing its next request on one right now and
  // would get a reset. Every response from here on says Connection: close,
  // so each socket ends after its current (or next) answer.
  const closed = new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    net.Server.prototype.close.call(server, () => resolve());
  });
  const deadline = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), timeoutMs).unref(),
  );
  if ((await Promise.race([closed, deadline])) === 'timeout') server.closeAllConnections();
  await closed;
}
