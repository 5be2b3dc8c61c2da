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
            the new key. When it reports zero left, the old keys can be removed.`,
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
        io.err(`gatehouse keys: pending migrations (${pending.join(', ')}); run \`pnpm gatehouse migrate latest\` first\n`);
        return 1;
      }
      const results = await reencryptColumns(database.db, ring, ENCRYPTED_COLUMNS);
      for (const r of results) io.out(`${r.table}.${r.column}: ${r.reencrypted} re-encrypted\n`);
      io.out(`all secrets now under key "${ring.currentKeyId}"\n`);
      return 0;
    } finally {
      await database.destroy();
    }
  },
};
