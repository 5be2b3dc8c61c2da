import { createDatabase } from '../../db/create-database';
import { createMigrator, migrationStatus } from '../../db/migrator';
import type { CliCommand } from '../cli-command';

/** `gatehouse migrate latest|down|status` */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate latest|down|status',
  summary: 'apply, revert one, or list database migrations',
  help: `latest   apply every pending migration
down     revert the most recent migration
status   list executed and pending migrations (exit 3 when some are pending)`,
  async run(args, { config, log, io }) {
    const action = args[0];
    if (action !== 'latest' && action !== 'down' && action !== 'status') {
      io.err('gatehouse migrate: expected latest, down or status\n');
      return 2;
    }
    const database = await createDatabase(config.database, log);
    try {
      if (action === 'status') {
        const { executed, pending } = await migrationStatus(database.db);
        for (const m of executed) io.out(`executed  ${m}\n`);
        for (const m of pending) io.out(`pending   ${m}\n`);
        if (executed.length + pending.length === 0) io.out('no migrations\n');
        return pending.length > 0 ? 3 : 0;
      }
      const migrator = createMigrator(database.db);
      const { error, results } =
        action === 'latest' ? await migrator.migrateToLatest() : await migrator.migrateDown();
      for (const r of results ?? []) {
        const verb =
          r.status === 'Success'
            ? r.direction === 'Up'
              ? 'applied '
              : 'reverted'
            : r.status.toLowerCase().padEnd(8);
        io.out(`${verb}  ${r.migrationName}\n`);
      }
      if ((results ?? []).length === 0 && !error)
        io.out(action === 'latest' ? 'already up to date\n' : 'nothing to revert\n');
      if (error) {
        io.err(
          `gatehouse migrate: ${error instanceof Error ? error.message : JSON.stringify(error)}\n`,
        );
        return 1;
      }
      return 0;
    } finally {
      await database.destroy();
    }
  },
};
