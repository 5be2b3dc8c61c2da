import { wrapComment } from '../wrap-comment';
import { headerOf, permissionsOf, type Resource } from '../resource';

/** `server/src/<plural>/<plural>-router.ts`: the procedures and who may call them. */
export function routerFile(r: Resource): string {
  const n = r.names;
  const p = permissionsOf(r);
  const who = r.personal
    ? 'each row is one user’s own; nobody else sees it, whatever their role'
    : r.owned
      ? `viewers read, members create and change their own, org admins and owners change all`
      : `viewers read; members, admins and owners create and change`;
  const proc = r.personal ? 'userProcedure' : 'orgProcedure';
  const summary = r.personal
    ? {
        create: `Create ${n.aWords} of your own`,
        get: `One of your ${n.wordsPlural}`,
        list: `Your ${n.wordsPlural}, newest first; cursor-paginated`,
        update: `Change one of your ${n.wordsPlural} at a known version (CONFLICT when stale)`,
        delete: `Delete one of your ${n.wordsPlural}`,
      }
    : {
        create: `Create ${n.aWords} in an organization`,
        get: `One ${n.words}`,
        list: `${n.pascalPlural}, newest first; cursor-paginated`,
        update: `Change ${n.aWords} at a known version (CONFLICT when stale)`,
        delete: `Delete ${n.aWords}`,
      };
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
import { ${proc} } from '../pipeline/${r.personal ? 'user' : 'org'}-procedure';
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
  r.personal
    ? `${n.pascalPlural}: personal (${who}); every query runs in a transaction under ` +
        'row-level security that shows the caller their own rows only.'
    : `${n.pascalPlural}: org-scoped (${who}); every query runs in the caller's tenant ` +
        'transaction under row-level security.',
  ' * ',
)}
 */
export const ${n.camelPlural}Router = router({
  create: ${proc}
    .meta({ permission: '${p.write}', summary: '${summary.create}' })
    .input(Create${n.pascal}Input)
    .output(${n.pascal})
    .mutation(({ ctx, input }) => create${n.pascal}(ctx, input)),
  get: ${proc}
    .meta({ permission: '${p.read}', summary: '${summary.get}' })
    .input(${n.pascal}Ref)
    .output(${n.pascal})
    .query(({ ctx, input }) => get${n.pascal}(ctx, input.id)),
  list: ${proc}
    .meta({ permission: '${p.read}', summary: '${summary.list}' })
    .input(List${n.pascalPlural}Input)
    .output(${n.pascal}Page)
    .query(({ ctx, input }) => list${n.pascal}Page(ctx, input)),
  update: ${proc}
    .meta({
      permission: '${p.write}',
      summary: '${summary.update}',
    })
    .input(Update${n.pascal}Input)
    .output(${n.pascal})
    .mutation(({ ctx, input }) => update${n.pascal}(ctx, input)),
  delete: ${proc}
    .meta({ permission: '${p.write}', summary: '${summary.delete}' })
    .input(${n.pascal}Ref)
    .output(Ok)
    .mutation(({ ctx, input }) => remove${n.pascal}(ctx, input.id)),
});
`;
}
