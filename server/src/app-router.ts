import { router } from './pipeline/trpc';
import { authRouter } from './auth/auth-router';
import { sessionsRouter } from './sessions/sessions-router';
import { systemRouter } from './system/system-router';

/** Every procedure Gatehouse serves. The client SDK imports only its type. */
export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  sessions: sessionsRouter,
});

export type AppRouter = typeof appRouter;
