import { Email } from '@gatehouse/shared';
import { sql } from 'kysely';
import { appendAuditEvent } from '../../audit/audit-writer';
import { createPasswordHasher } from '../../auth/password-hasher';
import { passwordProblem } from '../../auth/password-policy';
import { passwordProblemMessage } from '../../auth/password-problem-message';
import { insertUser } from '../../auth/user-queries';
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

/** The CLI acts as the system, on behalf of whoever runs it on the host. */
const CLI_ACTOR = { type: 'system', id: null } as const;

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
        const result = await database.db.transaction().execute(async (trx) => {
          const user = await trx
            .selectFrom('users')
            .select(['id', 'role'])
            .where('email', '=', email)
            .executeTakeFirst();
          if (!user) return 'missing' as const;
          if (user.role === 'admin') return 'already' as const;
          await trx.updateTable('users').set({ role: 'admin' }).where('id', '=', user.id).execute();
          // Privileges changed: its sessions are signed out (a running server drops cached copies
          // within its cache TTL).
          const revoked = await trx
            .deleteFrom('sessions')
            .where('user_id', '=', user.id)
            .executeTakeFirst();
          await appendAuditEvent(trx, {
            action: 'admin.cli.promote',
            actor: CLI_ACTOR,
            target: { type: 'user', id: user.id },
            outcome: 'success',
            details: {
              from: user.role,
              to: 'admin',
              sessionsRevoked: Number(revoked.numDeletedRows),
            },
          });
          return user.id;
        });
        if (result === 'missing') {
          io.err(
            `gatehouse admin: no account has the email ${email}; ` +
              `create it with \`admin create --email ${email}\`\n`,
          );
          return 1;
        }
        if (result === 'already') {
          io.out(`${email} is already an administrator\n`);
          return 0;
        }
        io.out(`promoted ${email} (${result}) to admin; its sessions were signed out\n`);
        return 0;
      }
      const hasher = await createPasswordHasher({ concurrency: 1 });
      const passwordHash = await hasher.hash(password ?? '');
      const created = await database.db.transaction().execute(async (trx) => {
        const user = await insertUser(trx, {
          email,
          name: option(args, '--name') ?? null,
          passwordHash,
          role: 'admin',
        });
        if (!user) return undefined;
        await trx
          .updateTable('users')
          .set({ email_verified_at: sql`now()` })
          .where('id', '=', user.id)
          .execute();
        await appendAuditEvent(trx, {
          action: 'admin.cli.create',
          actor: CLI_ACTOR,
          target: { type: 'user', id: user.id },
          outcome: 'success',
          details: { role: 'admin' },
        });
        return user;
      });
      if (!created) {
        io.err(
          `gatehouse admin: an account with email ${email} already exists; ` +
            `make it an administrator with \`admin promote --email ${email}\`\n`,
        );
        return 1;
      }
      io.out(`created admin ${email} (${created.id})\n`);
      return 0;
    } finally {
      await database.destroy();
    }
  },
};
