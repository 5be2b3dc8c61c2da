import { loadConfig, readEnvironment, type Config } from '../config';
import { createLogger } from '../observability/create-logger';
import { adminCommand } from './commands/admin';
import { auditCommand } from './commands/audit';
import { generateCommand } from './commands/generate';
import { jwtCommand } from './commands/jwt';
import { keysCommand } from './commands/keys';
import { openapiCommand } from './commands/openapi';
import { proceduresCommand } from './commands/procedures';
import { migrateCommand } from './commands/migrate';
import { describeOperatorError } from '../operator/describe-operator-error';
import { countOf } from './count-of';
import { exitQuietlyOnBrokenPipe } from '../operator/exit-quietly-on-broken-pipe';
import type { CliCommand, CliIo } from './cli-command';

const COMMANDS: readonly CliCommand[] = [
  migrateCommand,
  adminCommand,
  auditCommand,
  keysCommand,
  proceduresCommand,
  openapiCommand,
  jwtCommand,
  generateCommand,
];

function help(): string {
  const lines = COMMANDS.map((c) => `  ${c.usage.padEnd(36)} ${c.summary}`);
  return `Usage: npx -y pnpm@10 gatehouse <command> [options]

Commands:
${lines.join('\n')}

Configuration comes from the environment, as for the server (.env.example).
`;
}

async function main(argv: readonly string[]): Promise<number> {
  const io: CliIo = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    stdin: process.stdin,
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`gatehouse: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: npx -y pnpm@10 gatehouse ${command.usage}\n\n${command.help}\n`);
    return 0;
  }
  const loaded = loadConfig(readEnvironment());
  if (!loaded.ok) {
    io.err(
      `gatehouse: invalid configuration (${countOf(loaded.problems.length, 'problem')}):\n` +
        `${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    return 1;
  }
  const config: Config = loaded.config;
  const log = createLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    destination: process.stderr,
  });
  try {
    return await command.run(rest, { config, log, io });
  } catch (err) {
    const sentence = describeOperatorError(err, { PORT: config.http.port });
    if (sentence === undefined) throw err;
    io.err(`gatehouse ${command.name}: ${sentence}\n`);
    return 1;
  }
}

exitQuietlyOnBrokenPipe(process.stdout);
process.exitCode = await main(process.argv.slice(2));
