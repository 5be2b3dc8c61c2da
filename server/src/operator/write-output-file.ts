import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OperatorError } from './operator-error';

/** Writes a CLI `--out` file; a missing folder is the operator's to create, not a stack. */
export function writeOutputFile(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const folder = dirname(resolve(file));
    if (code === 'ENOENT')
      throw new OperatorError(
        `cannot write ${file}: the folder ${folder} does not exist; ` +
          `create it (mkdir -p ${folder}) or choose another --out`,
        { cause: err },
      );
    if (code === 'EACCES')
      throw new OperatorError(
        `cannot write ${file}: permission denied; choose a folder you can write to`,
        { cause: err },
      );
    if (code === 'EISDIR')
      throw new OperatorError(`cannot write ${file}: it is a folder; give a file name inside it`, {
        cause: err,
      });
    throw err;
  }
}
