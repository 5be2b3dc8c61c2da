import {
  parseExpectedHead,
  verifyAuditChain,
  type ExpectedHead,
} from '../../audit/verify-audit-chain';
import { createDatabase } from '../../db/create-database';
import { migrationStatus } from '../../db/migrator';
import type { CliCommand } from '../cli-command';
import { countOf } from '../count-of';

/**
 * `--expect-head <id:hash>` or `--expect-head=<id:hash>`; undefined when absent, 'bad' when
 * malformed.
 */
function expectHeadArg(args: readonly string[]): ExpectedHead | undefined | 'bad' {
  const i = args.findIndex((a) => a === '--expect-head' || a.startsWith('--expect-head='));
  if (i < 0) return undefined;
  const arg = args[i] ?? '';
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
  return (value !== undefined && parseExpectedHead(value)) || 'bad';
}

/** `gatehouse audit verify [--expect-head <id:hash>]` */
export const auditCommand: CliCommand = {
  name: 'audit',
  usage: 'audit verify [--expect-head <id:hash>]',
  summary: 'check the audit log hash chain; names the first broken row',
  help: `verify   walk the audit log in order, recomputing every row's hash from the
         previous one. Exit 0 when the chain holds, printing the head as
         <id>:<hash>: record it outside the database (see docs/audit-log.md);
         exit 1 naming the first row whose content or link was changed, or the
         head the rows no longer reach.
  --expect-head <id:hash>
         a head recorded earlier: also exit 1 unless the chain still holds
         row <id> with that hash (fewer rows, a wiped or rewritten log fail).`,
  async run(args, { config, log, io }) {
    if (args[0] !== 'verify') {
      io.err('gatehouse audit: expected "verify"\n');
      return 2;
    }
    const expectHead = expectHeadArg(args.slice(1));
    if (expectHead === 'bad') {
      io.err(
        'gatehouse audit: --expect-head takes <id>:<hash>, ' +
          'as `audit verify` prints it (e.g. 1532:9f2c…e1, 64 hex digits)\n',
      );
      return 2;
    }
    const database = await createDatabase(config.database, log);
    try {
      const { pending } = await migrationStatus(database.db);
      if (pending.length > 0) {
        io.err(
          `gatehouse audit: pending migrations (${pending.join(', ')}); ` +
            'run `npx -y pnpm@10 gatehouse migrate latest` first\n',
        );
        return 1;
      }
      const verdict = await verifyAuditChain(database.db, expectHead ? { expectHead } : {});
      if (verdict.ok) {
        // The head lets an operator keep an outside copy: a rewrite of the whole chain shows
        // against it.
        io.out(
          `audit chain intact: ${countOf(verdict.count, 'event')}; ` +
            `head ${verdict.headId} ${verdict.headHash}\n`,
        );
        if (expectHead)
          io.out(`expected head ${expectHead.id}:${expectHead.hash} is in the chain\n`);
        io.out(`anchor: ${verdict.headId}:${verdict.headHash}\n`);
        return 0;
      }
      if (
        verdict.problem === 'expected head missing' ||
        verdict.problem === 'expected head differs'
      ) {
        const where =
          verdict.problem === 'expected head missing'
            ? 'no longer in the chain (rows removed or the head rewound)'
            : 'in the chain with another hash (history rewritten)';
        io.err(
          `audit chain BROKEN: the recorded head ${verdict.brokenId} is ${where}; ` +
            `${countOf(verdict.count, 'event')} ${verdict.count === 1 ? 'verifies' : 'verify'}\n`,
        );
        return 1;
      }
      io.err(
        `audit chain BROKEN at event ${verdict.brokenId} (${verdict.problem}); ` +
          `${countOf(verdict.count, 'event')} before it ` +
          `${verdict.count === 1 ? 'verifies' : 'verify'}\n`,
      );
      return 1;
    } finally {
      await database.destroy();
    }
  },
};
