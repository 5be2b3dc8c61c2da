import { appRouter } from '../../app-router';
import { renderProcedureTable } from '../../pipeline/procedure-table';
import { writeOutputFile } from '../../operator/write-output-file';
import type { CliCommand } from '../cli-command';

/** `gatehouse procedures [--out file]` */
export const proceduresCommand: CliCommand = {
  name: 'procedures',
  usage: 'procedures [--out <file>]',
  summary: 'print (or write) the table of every procedure and who may call it',
  help: 'Renders docs/procedures.md from the router and the role tables.',
  async run(args, { io }) {
    const table = renderProcedureTable(appRouter);
    const i = args.indexOf('--out');
    const out = i === -1 ? undefined : args[i + 1];
    if (i !== -1 && !out) {
      io.err('gatehouse procedures: --out needs a file\n');
      return 2;
    }
    if (out) writeOutputFile(out, table);
    else io.out(table);
    return 0;
  },
};
