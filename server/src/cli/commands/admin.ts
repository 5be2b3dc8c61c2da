import { Email } from '@gatehouse/shared';
import { createAdminFromCli, promoteToAdminFromCli } from '../../admin/cli-admin';
import { createPasswordHasher } from '../../auth/password-hasher';
import { passwordProblem } from '../../auth/password-policy';
import { passwordProblemMessage } from '../../auth/password-problem-message';
import { createDatabase } from '../../db/create-database';
import { migrationStatus } from '../../db/migrator';
import { isTerminal, type CliCommand, type CliIo } from '../cli-command';
import { promptSecret } from '../prompt-secret';
import { readSecretLine } from '../read-secret-line';

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i !== -1) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

/** A password from a terminal prompt (twice, no echo) or the first line of piped standard input. */
async function readPassword(io: CliIo): Promise<string | undefined> {
  if (!isTerminal(io.stdin)) return readSecretLine(io.stdin);
  const first = await promptSecret(
    io.stdin,
    (t) => io.err(t),
    'Password for the new administrator: ',
  );
  const again = await promptSecret(io.stdin, (t) => io.err(t), 'Repeat it: ');
  if (first !== again) {
    io.err('gatehouse admin: the two passwords differ; nothing was created\n');
    return undefined;
  }
  return first;
}

/** `gatehouse admin create|promote --email <email>`: the first administrator, from the host. */
export const adminCommand: CliCommand = {
  name: 'admin',
  usage: 'admin create|promote --email <email> [--name <name>]',
  summary: 'create an administrator, or promote an existing account (audited)',
  help:
    `create    create a verified account with the global admin role. On a terminal
          the password is prompted for twice without echo; otherwise it is the
          first line of standard input (never a command-line argument), and must
          pass the password policy:
            printf '%s\\n' "$ADMIN_PASSWORD" | npx -y pnpm@10 gatehouse admin create ` +
    `--email ops@example.com
promote   give an existing account the global admin role and sign it out
          everywhere (its privileges changed):
            npx -y pnpm@10 gatehouse admin promote --email ops@example.com
Both write an audit event (admin.cli.create, admin.cli.promote). With the embedded
database, stop the server first: one process at a time may open it.`,
  async run(args, { config, log, io }) {
    const action = args[0];
    if (action !== 'create' && action !== 'promote') {
      io.err('gatehouse admin: expected "create" or "promote"\n');
      return 2;
    }
    if (args.some((a) => a === '--password' || a.startsWith('--password='))) {
      io.err(
        'gatehouse admin: passwords are never taken from the command line ' +
          '(they end up in shell history and ps); pipe it on standard input\n',
      );
      return 2;
    }
    const parsed = Email.safeParse(option(args, '--email') ?? '');
    if (!parsed.success) {
      io.err('gatehouse admin: --email <address> is required and must be an email address\n');
      return 2;
    }
    const email = parsed.data;
    let password: string | undefined;
    if (action === 'create') {
      password = await readPassword(io);
      if (password === undefined) return 1;
      const problem = passwordProblem(password, email, config.auth.passwordMinLength);
      if (problem) {
        io.err(
          `gatehouse admin: ${passwordProblemMessage(problem, config.auth.passwordMinLength)} ` +
            `(${problem})\n`,
        );
        return 1;
      }
    }
    const database = await createDatabase(config.database, log);
    try {
      const { pending } = await migrationStatus(database.db);
      if (pending.length > 0) {
        io.err(
          `gatehouse admin: pending migrations (${pending.join(', ')}); ` +
            'run `npx -y pnpm@10 gatehouse migrate latest` first\n',
        );
        return 1;
      }
      if (action === 'promote') {
        const result = await promoteToAdminFromCli(database.db, email);
        if (result.outcome === 'missing') {
          io.err(
            `gatehouse admin: no account has the email ${email}; ` +
              `create it with \`admin create --email ${email}\`\n`,
          );
          return 1;
        }
        if (result.outcome === 'already') {
          io.out(`${email} is already an administrator\n`);
          return 0;
        }
        io.out(`promoted ${email} (${result.userId}) to admin; its sessions were signed out\n`);
        return 0;
      }
      const hasher = await createPasswordHasher({ concurrency: 1 });
      const passwordHash = await hasher.hash(password ?? '');
      const name = option(args, '--name') ?? null;
      const createdId = await createAdminFromCli(database.db, { email, name, passwordHash });
      if (createdId === undefined) {
        io.err(
          `gatehouse admin: an account with email ${email} already exists; ` +
            `make it an administrator with \`admin promote --email ${email}\`\n`,
        );
        return 1;
      }
      io.out(`created admin ${email} (${createdId})\n`);
      return 0;
    } finally {
      await database.destroy();
    }
  },
};
