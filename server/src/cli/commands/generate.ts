import { FIELD_TYPES_HELP } from '../../generator/field-spec';
import { generateResource } from '../../generator/generate-resource';
import type { CliCommand } from '../cli-command';

const USAGE = 'generate resource <name> [options]';

const HELP = `Writes an org-scoped (with --no-org, a personal) resource in the layout of
server/src/projects/ (docs/building-a-feature.md):
  shared/src/schemas/<plural>.ts            input and output schemas (strict, bounded)
  server/src/<plural>/                      router, service, policy, queries, mapper
  migrations/NNNN_<plural>.ts               the table, its page index, row-level security, down
  test/resources/<plural>.test.ts           the guarantees, tried as attacks
and adds the permissions (<name>:read, <name>:write, with --owned <name>:write:any), the audit
actions (<name>.create/.update/.delete), the table type, the router entry and the migration to
the project's closed lists, then renders docs/procedures.md again. The OpenAPI document and the
client SDK pick the procedures up from the router.

<name> is a singular, lowercase, hyphenated (invoice, purchase-order); the plural is derived
(invoices, purchase-orders) unless --plural gives it. Names of Gatehouse's own features, reserved
words of JavaScript, TypeScript and SQL, and names already used in the project are refused.

Options:
  --fields "<spec>"   comma-separated fields (default "name:string(1..200)")
  --owned             members change only the rows they created; admins and owners change all
                      (without it every member with <name>:write changes any row of the org)
  --no-org            rows belong to one user, not an org: no orgId, no org roles; each user
                      sees and changes only their own (every user holds <name>:read and
                      <name>:write, which a key may narrow; a key bound to an org reaches none)
  --plural <word>     the plural, when the English rule gets it wrong
  --dry-run           print what would be written; write nothing

${FIELD_TYPES_HELP}

Example:
  npx -y pnpm@10 gatehouse generate resource invoice --owned \\
    --fields "title:string(1..200), amountCents:int(>=0), dueOn:date?,
      status:enum(draft|sent|paid)=draft"

Running it again with the same arguments changes nothing; a generated file you edited is never
overwritten (the command stops and says which).`;

interface Parsed {
  name: string;
  fields?: string;
  plural?: string;
  owned: boolean;
  personal: boolean;
  dryRun: boolean;
}

function parse(args: readonly string[]): Parsed | string {
  const [kind, name, ...rest] = args;
  if (kind !== 'resource') return 'expected "resource" (the one thing it generates)';
  if (name === undefined || name.startsWith('-')) return 'expected the resource name';
  const parsed: Parsed = { name, owned: false, personal: false, dryRun: false };
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    const value = (): string | undefined => {
      const v = rest[i + 1];
      i += 1;
      return v === undefined || v.startsWith('--') ? undefined : v;
    };
    if (arg === '--owned') parsed.owned = true;
    else if (arg === '--no-org') parsed.personal = true;
    else if (arg === '--dry-run') parsed.dryRun = true;
    else if (arg === '--fields' || arg === '--plural') {
      const v = value();
      if (v === undefined) return `${arg} needs a value`;
      if (arg === '--fields') parsed.fields = v;
      else parsed.plural = v;
    } else return `unknown option "${arg}"`;
  }
  return parsed;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** The command as the generated files' header records it (`--dry-run` left out). */
export function commandLineOf(args: readonly string[]): string {
  return `gatehouse generate ${args
    .filter((a) => a !== '--dry-run')
    .map(quote)
    .join(' ')}`;
}

/** `gatehouse generate resource <name> …` */
export const generateCommand: CliCommand = {
  name: 'generate',
  usage: USAGE,
  summary: 'write a new org-scoped or personal resource with its migration and security tests',
  help: HELP,
  async run(args, { io }) {
    const parsed = parse(args);
    if (typeof parsed === 'string') {
      io.err(`gatehouse generate: ${parsed}\nUsage: npx -y pnpm@10 gatehouse ${USAGE}\n`);
      return 2;
    }
    const commandLine = commandLineOf(args);
    const result = await generateResource(
      process.cwd(),
      {
        name: parsed.name,
        plural: parsed.plural,
        fields: parsed.fields,
        owned: parsed.owned,
        personal: parsed.personal,
        commandLine,
      },
      { dryRun: parsed.dryRun },
    );
    if (!result.ok) {
      io.err(`gatehouse generate: ${result.problem}\n`);
      return 1;
    }
    const verb = { create: 'create', update: 'update', unchanged: 'unchanged' } as const;
    for (const file of result.plan) io.out(`${verb[file.action].padEnd(10)} ${file.path}\n`);
    const changed = result.plan.some((f) => f.action !== 'unchanged');
    if (parsed.dryRun) {
      if (changed) io.out(`${'update'.padEnd(10)} docs/procedures.md (rendered from the router)\n`);
      io.out('dry run: nothing was written\n');
      return 0;
    }
    if (!changed) {
      io.out('nothing to do: the resource is generated already\n');
      return 0;
    }
    io.out(`${'update'.padEnd(10)} docs/procedures.md\n`);
    io.out(
      `\nNext: npx -y pnpm@10 vitest run ${result.testFile}\n` +
        'then edit the policy and add procedures: docs/building-a-feature.md\n',
    );
    return 0;
  },
};
