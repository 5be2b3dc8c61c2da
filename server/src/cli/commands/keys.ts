import { createKeyRing } from '../../crypto/key-ring';
import { ENCRYPTED_COLUMNS } from '../../crypto/encrypted-columns';
import { reencryptColumns } from '../../crypto/reencrypt-columns';
import { createDatabase } from '../../db/create-database';
import { migrationStatus } from '../../db/migrator';
import type { CliCommand } from '../cli-command';

/** `gatehouse keys reencrypt` */
export const keysCommand: CliCommand = {
  name: 'keys',
  usage: 'keys reencrypt',
  summary: 'move every secret at rest onto the newest GATEHOUSE_ENCRYPTION_KEYS key',
  help: `reencrypt   after adding a new key at the front of GATEHOUSE_ENCRYPTION_KEYS
            (keep the old ones listed), re-seal every stored ciphertext under
            the new key, in batches, each in a transaction. Prints a count per
            column. Exits 1 naming rows that no listed key opens; once it exits
            0, the old keys can be removed.`,
  async run(args, { config, log, io }) {
    if (args[0] !== 'reencrypt') {
      io.err('gatehouse keys: expected "reencrypt"\n');
      return 2;
    }
    const ring = createKeyRing(config.encryptionKeys);
    const database = await createDatabase(config.database, log);
    try {
      const { pending } = await migrationStatus(database.db);
      if (pending.length > 0) {
        io.err(
          `gatehouse keys: pending migrations (${pending.join(', ')}); ` +
            'run `npx -y pnpm@10 gatehouse migrate latest` first\n',
        );
        return 1;
      }
      const results = await reencryptColumns(database.db, ring, ENCRYPTED_COLUMNS);
      for (const r of results)
        io.out(
          `${r.table}.${r.column}: ${r.reencrypted} re-encrypted` +
            `${r.failed > 0 ? `, ${r.failed} undecryptable` : ''}\n`,
        );
      const failures = results.filter((r) => r.failed > 0);
      if (failures.length > 0) {
        for (const r of failures)
          io.err(
            `gatehouse keys: ${r.failed} row(s) of ${r.table}.${r.column} ` +
              'open with no listed key ' +
              '(unknown key id or tampered), left as they are; ' +
              `ids ${r.failedIds.join(', ')}${r.failed > r.failedIds.length ? ', …' : ''}\n`,
          );
        io.err('gatehouse keys: do not remove any old key until these rows are dealt with\n');
        return 1;
      }
      io.out(`all secrets now under key "${ring.currentKeyId}"\n`);
      return 0;
    } finally {
      await database.destroy();
    }
  },
};
