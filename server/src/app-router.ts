import { router } from './pipeline/trpc';
import { systemRouter } from './system/system-router';

/** Every procedure Gatehouse serves. The client SDK imports only its type. */
export const appRouter = router({
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
