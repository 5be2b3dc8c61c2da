import pino, { type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { redactLogFields } from './redact-log-fields';

/**
 * The process logger. Secrets are redacted wherever their key appears, and
 * credential-shaped strings under any key, so a careless `log.info({ input })`
 * cannot leak a password or token.
 */
export function createLogger(options: {
  level: string;
  destination?: DestinationStream;
  pretty?: boolean;
}): Logger {
  // Development on a terminal: pino-pretty as a synchronous stream in this
  // thread (a transport's worker would lose the last lines on process.exit).
  // Everywhere else, one JSON object per line for the log pipeline.
  const destination =
    options.pretty === true
      ? pretty({
          colorize: true,
          sync: true,
          ignore: 'pid,hostname,service',
          translateTime: 'SYS:HH:MM:ss.l',
        })
      : options.destination;
  const root = pino(
    {
      level: options.level,
      base: { service: 'gatehouse' },
      // One copy-on-write pass per line (redact-log-fields.ts), for the
      // fields of each call and the base bindings.
      formatters: { log: redactLogFields, bindings: redactLogFields },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  // pino skips the bindings formatter for children: redact their bindings on
  // the way in (children inherit this method, so it holds at every level).
  const pinoChild = (
    Object.getPrototypeOf(root) as {
      child: (this: Logger, ...args: Parameters<Logger['child']>) => Logger;
    }
  ).child;
  const redactedChild = function redactedChild(
    this: Logger,
    ...[bindings, childOptions]: Parameters<Logger['child']>
  ): Logger {
    return pinoChild.call(this, redactLogFields(bindings), childOptions);
  };
  root.child = redactedChild as unknown as typeof root.child;
  return root;
}
