/**
 * The names one resource goes by, derived from the singular the user types
 * (`invoice`, `purchase-order`): folders and files in kebab-case, the table
 * and permissions in snake_case, the router key in camelCase, types in
 * PascalCase.
 */
export interface ResourceNames {
  /** `purchase-order` */
  readonly kebab: string;
  /** `purchase-orders`: the folder, the schema file, the migration. */
  readonly kebabPlural: string;
  /** `purchase_order`: permissions (`purchase_order:read`) and audit actions. */
  readonly snake: string;
  /** `purchase_orders`: the table. */
  readonly table: string;
  /** `purchaseOrder` */
  readonly camel: string;
  /** `purchaseOrders`: the router key (`trpc.purchaseOrders.list`). */
  readonly camelPlural: string;
  /** `PurchaseOrder`: the output type. */
  readonly pascal: string;
  /** `PurchaseOrders` */
  readonly pascalPlural: string;
  /** `purchase order`, for messages and summaries. */
  readonly words: string;
  /** `a purchase order`, `an invoice` */
  readonly aWords: string;
  readonly wordsPlural: string;
}

export class ResourceNameError extends Error {}

const NAME = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/;

/** JavaScript and TypeScript reserved words (a router key or identifier must not be one). */
const JS_RESERVED = new Set(
  `break case catch class const continue debugger default delete do else enum export extends false
  finally for function if import in instanceof new null return super switch this throw true try
  typeof var void while with implements interface let package private protected public static
  yield await any boolean number string symbol object never unknown undefined constructor
  prototype`.split(/\s+/),
);

/** PostgreSQL's reserved key words (SQL:2016 and PostgreSQL columns marked reserved). */
const SQL_RESERVED = new Set(
  `all analyse analyze and any array as asc asymmetric authorization binary both case cast check
  collate collation column concurrently constraint create cross current_catalog current_date
  current_role current_schema current_time current_timestamp current_user default deferrable
  desc distinct do else end except false fetch for foreign freeze from full grant group having
  ilike in initially inner intersect into is isnull join lateral leading left like limit
  localtime localtimestamp natural not notnull null offset on only or order outer overlaps
  placing primary references returning right select session_user similar some symmetric
  system_user table tablesample then to trailing true union unique user using variadic verbose
  when where window with`.split(/\s+/),
);

/** Names the product itself uses for things that are not resources. */
const PRODUCT_RESERVED = new Set(
  `auth admin api apikey apikeys api-key api-keys audit cli config crypto db docs generator http
  mail mfa oauth openapi operator pipeline ratelimit redis session sessions system trpc user
  users org orgs organization organizations membership memberships webhook webhooks
  idempotency health healthz readyz metrics console one-time-token bootstrap`.split(/\s+/),
);

/** English plural of the last word, for the regular cases; `--plural` overrides it. */
export function pluralOf(kebab: string): string {
  if (/[^aeiou]y$/.test(kebab)) return `${kebab.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(kebab)) return `${kebab}es`;
  return `${kebab}s`;
}

function camelOf(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function pascalOf(kebab: string): string {
  const camel = camelOf(kebab);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** Why `word` cannot name a resource, or undefined when it can. */
function refusalOf(word: string, what: string): string | undefined {
  if (!NAME.test(word))
    return `${what} "${word}" must be lowercase words joined by hyphens (invoice, purchase-order)`;
  if (word.length > 40) return `${what} "${word}" is longer than 40 characters`;
  const snake = word.replace(/-/g, '_');
  const camel = camelOf(word);
  if (JS_RESERVED.has(camel))
    return `${what} "${word}" is a JavaScript or TypeScript reserved word`;
  if (SQL_RESERVED.has(snake)) return `${what} "${word}" is an SQL reserved word`;
  if (PRODUCT_RESERVED.has(word))
    return `${what} "${word}" is a name Gatehouse uses for one of its own features`;
  return undefined;
}

/** Every name of the resource `singular`, or a ResourceNameError saying why it is refused. */
export function resourceNames(singular: string, plural?: string): ResourceNames {
  const kebabPlural = plural ?? pluralOf(singular);
  for (const [word, what] of [
    [singular, 'the name'],
    [kebabPlural, 'the plural'],
  ] as const) {
    const why = refusalOf(word, what);
    if (why) throw new ResourceNameError(why);
  }
  if (kebabPlural === singular)
    throw new ResourceNameError(
      `the plural of "${singular}" must differ from it; pass --plural <word>`,
    );
  return {
    kebab: singular,
    kebabPlural,
    snake: singular.replace(/-/g, '_'),
    table: kebabPlural.replace(/-/g, '_'),
    camel: camelOf(singular),
    camelPlural: camelOf(kebabPlural),
    pascal: pascalOf(singular),
    pascalPlural: pascalOf(kebabPlural),
    words: singular.replace(/-/g, ' '),
    aWords: `${/^[aeiou]/.test(singular) ? 'an' : 'a'} ${singular.replace(/-/g, ' ')}`,
    wordsPlural: kebabPlural.replace(/-/g, ' '),
  };
}
