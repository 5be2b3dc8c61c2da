import { wrapComment } from '../wrap-comment';
import { headerOf, permissionsOf, type Resource } from '../resource';

/** `server/src/<plural>/<plural>-router.ts`: the procedures and who may call them. */
export function routerFile(r: Resource): string {
  const n = r.names;
  const p = permissionsOf(r);
  const who = r.owned
    ? `viewers read, members create and change their own, org admins and owners change all`
    : `viewers read; members, admins and owners create and change`;
  return `${headerOf(r)}
import {
  Create${n.pascal}Input,
  List${n.pascalPlural}Input,
  Ok,
  ${n.pascal},
  ${n.pascal}Page,
  ${n.pascal}Ref,
  Update${n.pascal}Input,
} from '@gatehouse/shared';
import { orgProcedure } from '../pipeline/org-procedure';
import { router } from '../pipeline/trpc';
import {
  create${n.pascal},
  get${n.pascal},
  list${n.pascal}Page,
  remove${n.pascal},
  update${n.pascal},
} from './${n.kebab}-service';

/**
${wrapComment(
  `${n.pascalPlural}: org-scoped (${who}); every query runs in the caller's tenant ` +
    'transaction under row-level security.',
  ' * ',
)}
 */
export const ${n.camelPlural}Router = router({
  create: orgProcedure
    .meta({ permission: '${p.write}', summary: 'Create ${n.aWords} in an organization' })
    .input(Create${n.pascal}Input)
    .output(${n.pascal})
    .mutation(({ ctx, input }) => create${n.pascal}(ctx, input)),
  get: orgProcedure
    .meta({ permission: '${p.read}', summary: 'One ${n.words}' })
    .input(${n.pascal}Ref)
    .output(${n.pascal})
    .query(({ ctx, input }) => get${n.pascal}(ctx, input.id)),
  list: orgProcedure
    .meta({ permission: '${p.read}', summary: '${n.pascalPlural}, newest first; cursor-paginated' })
    .input(List${n.pascalPlural}Input)
    .output(${n.pascal}Page)
    .query(({ ctx, input }) => list${n.pascal}Page(ctx, input)),
  update: orgProcedure
    .meta({
      permission: '${p.write}',
      summary: 'Change ${n.aWords} at a known version (CONFLICT when stale)',
    })
    .input(Update${n.pascal}Input)
    .output(${n.pascal})
    .mutation(({ ctx, input }) => update${n.pascal}(ctx, input)),
  delete: orgProcedure
    .meta({ permission: '${p.write}', summary: 'Delete ${n.aWords}' })
    .input(${n.pascal}Ref)
    .output(Ok)
    .mutation(({ ctx, input }) => remove${n.pascal}(ctx, input.id)),
});
`;
}
