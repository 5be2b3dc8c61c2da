import type { Server } from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { tlsContextOptions } from './create-server';

/**
 * Re-reads the certificate and key (SIGHUP) into the running HTTPS server:
 * new handshakes use them, open connections carry on undisturbed. A bad pair
 * (unreadable, or a key that does not match) is logged and the current one kept.
 */
export function reloadCertificate(server: Server, config: Config, log: Logger): boolean {
  if (!config.http.tls || !(server instanceof https.Server)) return false;
  try {
    server.setSecureContext(tlsContextOptions(config.http.tls));
  } catch (err) {
    log.error(
      { err: { message: err instanceof Error ? err.message : String(err) } },
      'TLS certificate reload failed; keeping the current certificate',
    );
    return false;
  }
  log.info({ certFile: config.http.tls.certFile }, 'TLS certificate reloaded');
  return true;
}
