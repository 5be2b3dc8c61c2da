import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountExportDoc } from '../server/src/account/account-export-schema';

/** Writes docs/account-export.md from the export's zod schema. */
writeFileSync(join(import.meta.dirname, '..', 'docs', 'account-export.md'), accountExportDoc());
