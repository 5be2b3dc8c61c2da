import { router } from './pipeline/trpc';
import { accountRouter } from './account/account-router';
import { adminRouter } from './admin/admin-router';
import { apiKeysRouter } from './api-keys/api-keys-router';
import { authRouter } from './auth/auth-router';
import { mfaRouter } from './mfa/mfa-router';
import { orgsRouter } from './orgs/orgs-router';
import { projectsRouter } from './projects/projects-router';
import { sessionsRouter } from './sessions/sessions-router';
import { systemRouter } from './system/system-router';
import { webhooksRouter } from './webhooks/webhooks-router';

/** Every procedure Gatehouse serves. The client SDK imports only its type. */
export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  account: accountRouter,
  sessions: sessionsRouter,
  mfa: mfaRouter,
  admin: adminRouter,
  orgs: orgsRouter,
  projects: projectsRouter,
  apiKeys: apiKeysRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
