import pino, { type Logger, type DestinationStream } from 'pino';

const SECRET_KEYS = ['authorization', 'cookie', 'set-cookie', 'password', 'token', 'secret', 'x-api-key'];

/** Redaction paths for every secret-bearing key at the top level and up to four levels down. */
function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const join = (prefix: string): string => (k.startsWith('[') ? `${prefix}${k}` : `${prefix}.${k}`);
    paths.push(k.startsWith('[') ? k : key);
    paths.push(join('*'), join('*.*'), join('*.*.*'), join('*.*.*.*'));
  }
  return paths;
}

/**
 * The process logger. Secrets are redacted wherever their key appears, so a
 * careless `log.info({ input })` cannot leak a password or token.
 */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'gatehouse' },
      redact: { paths: redactPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
