import { loadConfig, readEnvironment } from './config';
import { createApp, PendingMigrationsError } from './create-app';
import { reloadCertificate } from './http/reload-certificate';
import { createLogger } from './observability/create-logger';
import { countOf } from './cli/count-of';
import { describeOperatorError } from './operator/describe-operator-error';

const HELP = `Usage: npx -y pnpm@10 start [--migrate]

Starts the Gatehouse server. Configuration comes from the environment (see
.env.example); a .env file is read in development only.

Options:
  --migrate   apply pending migrations to DATABASE_URL before serving
              (the embedded database always migrates itself)
  --help      show this help
`;

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  // pnpm 10 passes a "--" separator through to the script (`pnpm start -- --migrate`): accept it.
  const unknown = argv.filter((a) => a !== '--migrate' && a !== '--');
  if (unknown.length > 0) {
    process.stderr.write(`gatehouse: unknown option ${unknown.join(' ')}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const loaded = loadConfig(readEnvironment());
  if (!loaded.ok) {
    process.stderr.write(
      `gatehouse: invalid configuration (${countOf(loaded.problems.length, 'problem')}):\n` +
        `${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    process.exitCode = 1;
    return;
  }
  const { config } = loaded;
  // Pretty lines for a person at a terminal in development; JSON lines otherwise (and always when
  // piped).
  const log = createLogger({
    level: config.logLevel,
    pretty: config.isDev && process.stdout.isTTY,
  });
  const hints = {
    PORT: config.http.port,
    METRICS_PORT: config.metrics.port,
    HTTP_REDIRECT_PORT: config.http.redirectPort,
    TLS_CERT_FILE: config.http.tls?.certFile,
    TLS_KEY_FILE: config.http.tls?.keyFile,
  };

  let app;
  try {
    app = await createApp({ config, log, migrate: argv.includes('--migrate') });
  } catch (err) {
    const sentence =
      err instanceof PendingMigrationsError ? err.message : describeOperatorError(err, hints);
    if (sentence !== undefined) process.stderr.write(`gatehouse: ${sentence}\n`);
    else log.fatal({ err }, 'start-up failed');
    // What createApp opened before failing (a pool, a timer) would keep the process alive.
    process.exit(1);
  }
  let address;
  try {
    address = await app.listen();
  } catch (err) {
    const sentence = describeOperatorError(err, hints);
    if (sentence !== undefined) process.stderr.write(`gatehouse: ${sentence}\n`);
    else log.fatal({ err }, 'could not listen');
    await app.close();
    process.exitCode = 1;
    return;
  }
  // An empty database: the one-time first-administrator link (logged; its token nowhere else).
  await app
    .offerBootstrapLink(address)
    .catch((err: unknown) =>
      log.error(
        { err: { message: (err as Error).message } },
        'could not issue the first-administrator link',
      ),
    );
  const scheme = config.http.tls ? 'https' : 'http';
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  log.info(
    {
      url: `${scheme}://${host}:${address.port}`,
      port: address.port,
      env: config.env,
      database: app.deps.database.kind,
    },
    'listening',
  );
  const metricsAt = app.metricsAddress();
  if (metricsAt) log.info({ metricsPort: metricsAt.port }, 'metrics listening on loopback');

  const redirectAt = app.redirectAddress();
  // HTTP_REDIRECT_PORT: a plain listener that only redirects pages and refuses the API.
  if (redirectAt) log.info({ redirectPort: redirectAt.port }, 'plain HTTP redirect listening');
  // SIGHUP: new certificate for new handshakes; open connections are kept.
  process.on('SIGHUP', () => {
    reloadCertificate(app.server, config, log);
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    app
      .close()
      .then(() => {
        log.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `gatehouse: unhandled rejection: ` +
      `${reason instanceof Error ? reason.message : String(reason)}\n`,
  );
});

await main(process.argv.slice(2));
