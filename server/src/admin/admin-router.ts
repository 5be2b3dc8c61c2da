import {
  AdminUser,
  AdminUserListInput,
  AdminUserPage,
  AuditListInput,
  AuditPage,
  RevokedCount,
  SetRoleInput,
  UserRef,
} from '@gatehouse/shared';
import { listAuditEvents } from '../audit/list-audit-events';
import { AppError } from '../pipeline/app-error';
import { procedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { getUser } from './admin-user-queries';
import { lockUser, revokeUserSessions, setUserRole, unlockUser } from './change-user-access';
import { listUsersPage } from './list-users';
import { toAdminUser } from './to-admin-user';

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
      .query(async ({ ctx, input }) => {
        const row = await getUser(ctx.deps.db, input.id);
        if (!row) throw new AppError('NOT_FOUND', { message: 'No such user' });
        return toAdminUser(row);
      }),
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
  audit: router({
    list: procedure
      .meta({
        permission: 'audit:read',
        rate: 'admin',
        summary:
          'Audit events, newest first, filtered by actor, action, target, org and time; cursor-paginated',
      })
      .input(AuditListInput)
      .output(AuditPage)
      .query(({ ctx, input }) => listAuditEvents(ctx.deps.db, input)),
  }),
});
