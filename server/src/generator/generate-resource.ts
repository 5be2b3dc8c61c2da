import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { FieldSpecError } from './field-spec';
import { ResourceNameError } from './resource-name';
import { planResource, resourceOf, type PlannedFile, type ResourceRequest } from './plan-resource';
import { sourceEdits, SourceEditError } from './source-edits';

const run = promisify(execFile);

/** The outcome of one `generate resource`: the plan, or why nothing was written. */
export type GenerateResult =
  | { ok: true; plan: PlannedFile[]; testFile: string; written: boolean }
  | { ok: false; problem: string };

/**
 * Plans the resource's files and, unless `dryRun`, writes them and renders docs/procedures.md
 * again from the router. The compiler and Prettier are loaded here, on demand: they are
 * development dependencies, and the production CLI never reaches this.
 */
export async function generateResource(
  root: string,
  request: ResourceRequest,
  options: { dryRun: boolean },
): Promise<GenerateResult> {
  if (!existsSync(join(root, 'server/src/app-router.ts')))
    return {
      ok: false,
      problem: `${root} is not a Gatehouse checkout (no server/src/app-router.ts)`,
    };
  let tools;
  try {
    tools = { ts: (await import('typescript')).default, prettier: await import('prettier') };
  } catch {
    return {
      ok: false,
      problem:
        'the generator needs the development dependencies (typescript, prettier): run it in the ' +
        'checkout after `npx -y pnpm@10 install`',
    };
  }
  const { prettier } = tools;
  const format = async (path: string, text: string): Promise<string> => {
    const file = join(root, path);
    const info = await prettier.getFileInfo(file, { ignorePath: join(root, '.prettierignore') });
    if (info.ignored || info.inferredParser === null) return text;
    return prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file });
  };
  let plan: PlannedFile[];
  let testFile: string;
  try {
    const resource = resourceOf(request);
    plan = await planResource(root, resource, sourceEdits(tools.ts), format);
    testFile = `test/resources/${resource.names.kebabPlural}.test.ts`;
  } catch (err) {
    if (
      err instanceof ResourceNameError ||
      err instanceof FieldSpecError ||
      err instanceof SourceEditError
    )
      return { ok: false, problem: err.message };
    throw err;
  }
  const changes = plan.filter((f) => f.action !== 'unchanged');
  if (options.dryRun || changes.length === 0) return { ok: true, plan, testFile, written: false };
  for (const file of changes) {
    const full = join(root, file.path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, file.content);
  }
  // The procedure table is rendered from the router, which now has the new procedures.
  try {
    await run(
      process.execPath,
      ['--import', 'tsx', 'server/src/cli/main.ts', 'procedures', '--out', 'docs/procedures.md'],
      { cwd: root },
    );
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? err);
    const cause = /ERROR: .*|error TS\d+.*|Error: .*/.exec(stderr)?.[0] ?? stderr.trim();
    return {
      ok: false,
      problem:
        `the files are written, but the server no longer loads, so docs/procedures.md was not ` +
        `rendered: ${cause}\nFix that, then run \`npx -y pnpm@10 gatehouse procedures --out ` +
        'docs/procedures.md`',
    };
  }
  return { ok: true, plan, testFile, written: true };
}
