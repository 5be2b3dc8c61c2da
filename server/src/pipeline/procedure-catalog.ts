import type { AnyTRPCRouter, TRPCProcedureType } from '@trpc/server';
import type { Meta } from './meta';
import { OrgScopeInput } from './org-procedure';
import { secretFieldsOf } from './secret-fields';
import { procedureDefinition, routerProcedures, type ProcedureDefinition } from './trpc-internals';

/** One procedure of a router, with everything it declares. */
export interface ProcedureEntry {
  /** The dotted path it is called by, e.g. `projects.create`. */
  readonly path: string;
  readonly type: TRPCProcedureType;
  readonly meta: Meta | undefined;
  /**
   * One parser per `.input()` call, in order (tRPC merges their object
   * results). Gatehouse's are zod schemas (`isZodSchema`); tRPC accepts others.
   */
  readonly inputs: readonly unknown[];
  /** The `.output()` parser, if any. */
  readonly output: unknown;
  readonly hasInput: boolean;
  readonly hasOutput: boolean;
  /** Built on `orgProcedure` (its first input is `OrgScopeInput`). */
  readonly orgScoped: boolean;
  /** Output fields that look like a secret (an API key, a TOTP secret, recovery codes). */
  readonly secretFields: readonly string[];
}

const catalogs = new WeakMap<AnyTRPCRouter, readonly ProcedureEntry[]>();

function entryOf(path: string, definition: ProcedureDefinition): ProcedureEntry {
  const { inputs, output } = definition;
  return {
    path,
    type: definition.type,
    meta: definition.meta as Meta | undefined,
    inputs,
    output,
    hasInput: inputs.length > 0,
    hasOutput: output !== undefined,
    orgScoped: inputs.includes(OrgScopeInput),
    secretFields: secretFieldsOf(output),
  };
}

/**
 * Every procedure of a router, sorted by path, built once per router: the
 * one walk over the router that the default-deny check, the procedure table,
 * the OpenAPI document and the tests share.
 *
 * @example
 * procedureCatalog(appRouter).find((p) => p.path === 'system.version')?.type; // 'query'
 */
export function procedureCatalog(router: AnyTRPCRouter): readonly ProcedureEntry[] {
  let catalog = catalogs.get(router);
  if (!catalog) {
    catalog = Object.entries(routerProcedures(router))
      .flatMap(([path, procedure]) =>
        procedure ? [entryOf(path, procedureDefinition(procedure))] : [],
      )
      .sort((a, b) => a.path.localeCompare(b.path));
    catalogs.set(router, catalog);
  }
  return catalog;
}
