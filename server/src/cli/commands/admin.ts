import { Email } from '@gatehouse/shared';
import { sql } from 'kysely';
import { createPasswordHasher } from '../../auth/password-hasher';
import { passwordProblem } from '../../auth/password-policy';
import { passwordProblemMessage } from '../../auth/password-problem-message';
import { insertUser } from '../../auth/user-queries';
import { createDatabase } from '../../db/create-database';
import { migrationStatus } from '../../db/migrator';
import type { CliCommand } from '../cli-command';
import { readSecretLine } from '../read-secret-line';

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i !== -1) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

/** `gatehouse admin create --email <email> [--name <name>]`, password on standard input. */
export const adminCommand: CliCommand = {
  name: 'admin',
  usage: 'admin create --email <email> [--name <name>]',
  summary: 'create an administrator (password read from standard input)',
  help: `create   create a verified account with the global admin role.
         The password is read from standard input (one line), never from the
         command line, and must pass the password policy:
           printf '%s\\n' "$ADMIN_PASSWORD" | npx -y pnpm@10 gatehouse admin create --email ops@example.com`,
  async run(args, { config, log, io }) {
    if (args[0] !== 'create') {
      io.err('gatehouse admin: expected "create"\n');
      return 2;
    }
    if (args.some((a) => a === '--password' || a.startsWith('--password='))) {
      io.err('gatehouse admin: passwords are never taken from the command line (they end up in shell history and ps); pipe it on standard input\n');
      return 2;
    }
    const parsed = Email.safeParse(option(args, '--email') ?? '');
    if (!parsed.success) {
      io.err('gatehouse admin: --email <address> is required and must be an email address\n');
      return 2;
    }
    const email = parsed.data;
    const password = await readSecretLine(io.stdin);
    const problem = passwordProblem(password, email, config.auth.passwordMinLength);
    if (problem) {
      io.err(`gatehouse admin: ${passwordProblemMessage(problem, config.auth.passwordMinLength)} (${problem})\n`);
      return 1;
    }
    const database = await createDatabase(config.database, log);
    try {
      const { pending } = await migrationStatus(database.db);
      if (pending.length > 0) {
        io.err(`gatehouse admin: pending migrations (${pending.join(', ')}); run \`npx -y pnpm@10 gatehouse migrate latest\` first\n`);
        return 1;
      }
      const hasher = await createPasswordHasher({ concurrency: 1 });
      const created = await insertUser(database.db, { email, name: option(args, '--name') ?? null, passwordHash: await hasher.hash(password), role: 'admin' });
      if (!created) {
        io.err(`gatehouse admin: an account with email ${email} already exists\n`);
        return 1;
      }
      await database.db.updateTable('users').set({ email_verified_at: sql`now()` }).where('id', '=', created.id).execute();
      io.out(`created admin ${email} (${created.id})\n`);
      return 0;
    } finally {
      await database.destroy();
    }
  },
};
