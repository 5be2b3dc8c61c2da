import {
  AdminUser,
  AdminUserListInput,
  AdminUserPage,
  ApiKeyList,
  AuditListInput,
  AuditPage,
  BanUserInput,
  CreateUserInput,
  Ok,
  RevokedCount,
  SessionList,
  SetRoleInput,
  UserApiKeyRef,
  UserRef,
  DeleteUserInput,
  UserDeleted,
  Impersonation,
  ImpersonationList,
  NoInput,
  SessionRef,
  StartImpersonationInput,
} from '@gatehouse/shared';
import { listAuditEvents } from '../audit/list-audit-events';
import { deleteUser } from './delete-user';
import { procedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { getAdminUser, listUsersPage } from './admin-user-service';
import { banUser, unbanUser } from './ban-user';
import { lockUser, revokeUserSessions, setUserRole, unlockUser } from './change-user-access';
import { createInvitedUser } from './create-invited-user';
import { endCurrentImpersonation, revokeImpersonation } from './impersonation-end';
import { listImpersonations } from './impersonation-list';
import { startImpersonation } from './impersonation-start';
import { sendPasswordReset } from './send-password-reset';
import { listApiKeysOfUser, listSessionsOfUser, revokeApiKeyOfUser } from './user-credentials';

/** Role-gated administration (global `admin` role: user:read, user:manage, audit:read). */
export const adminRouter = router({
  users: router({
    list: procedure
      .meta({
        permission: 'user:read',
        rate: 'admin',
        summary: 'Users by email, searchable, cursor-paginated',
      })
      .input(AdminUserListInput)
      .output(AdminUserPage)
      .query(({ ctx, input }) => listUsersPage(ctx, input)),
    get: procedure
      .meta({ permission: 'user:read', rate: 'admin', summary: 'One user' })
      .input(UserRef)
      .output(AdminUser)
      .query(({ ctx, input }) => getAdminUser(ctx, input.id)),
    create: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        stepUp: true,
        summary:
          'Create an account without a password and mail its owner an invitation ' +
          '(a 7-day one-time link to auth.acceptInvite)',
      })
      .input(CreateUserInput)
      .output(AdminUser)
      .mutation(({ ctx, input }) => createInvitedUser(ctx, input)),
    sendReset: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        summary: 'Mail a user a password reset link (the admin never sees it)',
      })
      .input(UserRef)
      .output(Ok)
      .mutation(({ ctx, input }) => sendPasswordReset(ctx, input.id)),
    listSessions: procedure
      .meta({
        permission: 'user:read',
        rate: 'admin',
        summary: "A user's live sessions (never their secrets)",
      })
      .input(UserRef)
      .output(SessionList)
      .query(({ ctx, input }) => listSessionsOfUser(ctx, input.id)),
    listApiKeys: procedure
      .meta({
        permission: 'user:read',
        rate: 'admin',
        summary: "A user's API keys (never their secrets), with last use",
      })
      .input(UserRef)
      .output(ApiKeyList)
      .query(({ ctx, input }) => listApiKeysOfUser(ctx, input.id)),
    revokeApiKey: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        summary: "Revoke one of a user's API keys at once (on every instance)",
      })
      .input(UserApiKeyRef)
      .output(Ok)
      .mutation(({ ctx, input }) => revokeApiKeyOfUser(ctx, input)),
    setRole: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        stepUp: true,
        summary: "Change a user's global role (revokes their sessions; never the last admin)",
      })
      .input(SetRoleInput)
      .output(AdminUser)
      .mutation(({ ctx, input }) => setUserRole(ctx, input)),
    lock: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        summary: 'Lock an account: sessions revoked, API keys stopped, sign-in refused',
      })
      .input(UserRef)
      .output(AdminUser)
      .mutation(({ ctx, input }) => lockUser(ctx, input.id)),
    unlock: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        summary: 'Unlock an account',
      })
      .input(UserRef)
      .output(AdminUser)
      .mutation(({ ctx, input }) => unlockUser(ctx, input.id)),
    ban: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        summary:
          'Ban an account with a reason and an optional end: a lock (sessions revoked, keys ' +
          'stopped, sign-in ACCOUNT_BANNED) lifted when the end passes',
      })
      .input(BanUserInput)
      .output(AdminUser)
      .mutation(({ ctx, input }) => banUser(ctx, input)),
    delete: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        stepUp: true,
        summary:
          'Delete an account: erased now (immediately) or after the grace period; every ' +
          "credential ends now; never the last admin or an org's only owner",
      })
      .input(DeleteUserInput)
      .output(UserDeleted)
      .mutation(({ ctx, input }) => deleteUser(ctx, input)),
    unban: procedure
      .meta({ permission: 'user:manage', rate: 'admin', summary: 'Lift a ban' })
      .input(UserRef)
      .output(AdminUser)
      .mutation(({ ctx, input }) => unbanUser(ctx, input.id)),
    revokeSessions: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        summary: 'Revoke every session of a user',
      })
      .input(UserRef)
      .output(RevokedCount)
      .mutation(({ ctx, input }) => revokeUserSessions(ctx, input.id)),
  }),
  impersonation: router({
    start: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        stepUp: true,
        summary:
          'Act as a user for support: a written reason, a time limit (default 15 min, at most ' +
          '60), read-only unless allowWrites; never an admin; the user is mailed; the session ' +
          "cookie becomes the impersonation's",
      })
      .input(StartImpersonationInput)
      .output(Impersonation)
      .mutation(({ ctx, input }) => startImpersonation(ctx, input)),
    end: procedure
      .meta({
        // Only from the impersonation session (which holds the user's permissions): the
        // pipeline refuses every other caller.
        permission: 'session:manage',
        impersonationOnly: true,
        summary: 'Impersonation sessions only: end this impersonation and sign the browser out',
      })
      .input(NoInput)
      .output(Ok)
      .mutation(({ ctx }) => endCurrentImpersonation(ctx)),
    revoke: procedure
      .meta({
        permission: 'user:manage',
        rate: 'admin',
        summary: 'End any live impersonation by its session id (on every instance)',
      })
      .input(SessionRef)
      .output(Ok)
      .mutation(({ ctx, input }) => revokeImpersonation(ctx, input.id)),
    list: procedure
      .meta({
        permission: 'user:read',
        rate: 'admin',
        summary: 'Every impersonation still within its time limit, newest first',
      })
      .input(NoInput)
      .output(ImpersonationList)
      .query(({ ctx }) => listImpersonations(ctx)),
  }),
  audit: router({
    list: procedure
      .meta({
        permission: 'audit:read',
        rate: 'admin',
        summary:
          'Audit events, newest first, filtered by actor, action, target, org, time and ' +
          'impersonation (onBehalfOf, impersonation); cursor-paginated',
      })
      .input(AuditListInput)
      .output(AuditPage)
      .query(({ ctx, input }) => listAuditEvents(ctx.deps.db, input)),
  }),
});
