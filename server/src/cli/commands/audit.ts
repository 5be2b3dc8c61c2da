import { verifyAuditChain } from '../../audit/verify-audit-chain';
import { createDatabase } from '../../db/create-database';
import { migrationStatus } from '../../db/migrator';
import type { CliCommand } from '../cli-command';
import { countOf } from '../count-of';

/** `gatehouse audit verify` */
export const auditCommand: CliCommand = {
  name: 'audit',
  usage: 'audit verify',
  summary: 'check the audit log hash chain; names the first broken row',
  help: `verify   walk the audit log in order, recomputing every row's hash from the
         previous one. Exit 0 when the chain holds, printing the head (last id
         and hash: record it elsewhere); exit 1 naming the first row whose
         content or link was changed, or the head the rows no longer reach.`,
  async run(args, { config, log, io }) {
    if (args[0] !== 'verify') {
      io.err('gatehouse audit: expected "verify"\n');
      return 2;
    }
    const database = await createDatabase(config.database, log);
    try {
      const { pending } = await migrationStatus(database.db);
      if (pending.length > 0) {
        io.err(`gatehouse audit: pending migrations (${pending.join(', ')}); run \`npx -y pnpm@10 gatehouse migrate latest\` first\n`);
        return 1;
      }
      const verdict = await verifyAuditChain(database.db);
      if (verdict.ok) {
        // The head lets an operator keep an outside copy: a rewrite of the whole chain shows against it.
        io.out(`audit chain intact: ${countOf(verdict.count, 'event')}; head ${verdict.headId} ${verdict.headHash}\n`);
        return 0;
      }
      io.err(`audit chain BROKEN at event ${verdict.brokenId} (${verdict.problem}); ${countOf(verdict.count, 'event')} before it ${verdict.count === 1 ? 'verifies' : 'verify'}\n`);
      return 1;
    } finally {
      await database.destroy();
    }
  },
};
