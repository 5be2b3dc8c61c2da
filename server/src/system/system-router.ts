import { NoInput, VersionInfo } from '@gatehouse/shared';
import { publicProcedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';

/** Public facts about the running server. */
export const systemRouter = router({
  version: publicProcedure
    .meta({ public: true, summary: 'Name and version of the running server' })
    .input(NoInput)
    .output(VersionInfo)
    .query(({ ctx }) => ({
      name: 'gatehouse' as const,
      version: ctx.deps.version,
      node: process.versions.node,
    })),
});
