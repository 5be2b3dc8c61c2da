import {
  Accepted,
  AccountExport,
  AccountProfile,
  AccountTokenInput,
  ChangeEmailInput,
  DataExportInfo,
  DataExportList,
  DeletionScheduled,
  NoInput,
  Ok,
  UpdateProfileInput,
} from '@gatehouse/shared';
import { procedure, publicProcedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { identitiesRouter } from '../identity-providers/identity-providers-router';
import { accountPasskeysRouter } from '../passkeys/passkeys-router';
import { changeEmail } from './change-email';
import { confirmEmailChange } from './confirm-email-change';
import { requestDeletion } from './request-deletion';
import { downloadExport, listMyExports, requestExport } from './request-export';
import { resendVerification } from './resend-verification';
import { revertEmailChange } from './revert-email-change';
import { getProfile, updateProfile } from './update-profile';

/** The caller's own account: profile, address, export and deletion (docs/account.md). */
export const accountRouter = router({
  identities: identitiesRouter,
  passkeys: accountPasskeysRouter,
  get: procedure
    .meta({ permission: 'self:read', summary: 'Your profile, and a pending deletion if any' })
    .input(NoInput)
    .output(AccountProfile)
    .query(({ ctx }) => getProfile(ctx)),
  updateProfile: procedure
    .meta({ permission: 'self:write', summary: 'Change your display name' })
    .input(UpdateProfileInput)
    .output(AccountProfile)
    .mutation(({ ctx, input }) => updateProfile(ctx, input)),
  changeEmail: procedure
    .meta({
      permission: 'self:write',
      rate: 'auth',
      stepUp: true,
      summary:
        'Ask to move the account to another address: a link to the new one applies it, ' +
        'a notice to the old one can undo it',
    })
    .input(ChangeEmailInput)
    .output(Accepted)
    .mutation(({ ctx, input }) => changeEmail(ctx, input)),
  confirmEmailChange: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary: 'Apply an email change with the token mailed to the new address',
    })
    .input(AccountTokenInput)
    .output(Ok)
    .mutation(({ ctx, input }) => confirmEmailChange(ctx, input)),
  revertEmailChange: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        '"This wasn\'t me", with the token mailed to the old address: undoes the change, ' +
        'revokes every session and key, locks the account for review',
    })
    .input(AccountTokenInput)
    .output(Ok)
    .mutation(({ ctx, input }) => revertEmailChange(ctx, input)),
  resendVerification: procedure
    .meta({
      permission: 'self:write',
      rate: 'auth',
      summary: 'Mail a new verification link to your address (older links stop working)',
    })
    .input(NoInput)
    .output(Ok)
    .mutation(({ ctx }) => resendVerification(ctx)),
  delete: procedure
    .meta({
      permission: 'self:write',
      rate: 'auth',
      stepUp: true,
      summary:
        'Delete your account after the grace period (signing in cancels it); signs out ' +
        'everywhere and revokes every key now',
    })
    .input(NoInput)
    .output(DeletionScheduled)
    .mutation(({ ctx }) => requestDeletion(ctx, ctx.deps.accountJobs)),
  requestExport: procedure
    .meta({
      permission: 'self:read',
      rate: 'auth',
      stepUp: true,
      summary: 'Export everything held about you; the one-time link is mailed (one per hour)',
    })
    .input(NoInput)
    .output(DataExportInfo)
    .mutation(({ ctx }) => requestExport(ctx, ctx.deps.accountJobs)),
  exports: procedure
    .meta({ permission: 'self:read', summary: 'Your recent export requests and their state' })
    .input(NoInput)
    .output(DataExportList)
    .query(({ ctx }) => listMyExports(ctx)),
  downloadExport: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary: 'The export document, once, with the token from the mailed link (one hour)',
    })
    .input(AccountTokenInput)
    .output(AccountExport)
    .mutation(({ ctx, input }) => downloadExport(ctx, input)),
});
