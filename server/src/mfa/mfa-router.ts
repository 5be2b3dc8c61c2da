import { ConfirmTotpInput, NoInput, Ok, RecoveryCodes, TotpSetup } from '@gatehouse/shared';
import { procedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { beginTotp, confirmTotp, disableMfa, regenerateRecoveryCodes } from './manage-totp';

/**
 * The caller's own second factor. Enrolling, disabling and regenerating
 * recovery codes change how the account is proven, and begin/confirm/
 * regenerate return secrets: a step-up session only, never a key or JWT.
 */
export const mfaRouter = router({
  totp: router({
    begin: procedure
      .meta({
        permission: 'self:write',
        rate: 'auth',
        stepUp: true,
        returnsSecret: true,
        summary:
          'Start TOTP enrolment: returns the otpauth:// URI and secret once ' +
          '(needs a recent re-authentication)',
      })
      .input(NoInput)
      .output(TotpSetup)
      .mutation(({ ctx }) => beginTotp(ctx)),
    confirm: procedure
      .meta({
        permission: 'self:write',
        rate: 'auth',
        stepUp: true,
        returnsSecret: true,
        summary:
          'Enable TOTP with a correct code; returns ten recovery codes once ' +
          '(needs a recent re-authentication)',
      })
      .input(ConfirmTotpInput)
      .output(RecoveryCodes)
      .mutation(({ ctx, input }) => confirmTotp(ctx, input.code)),
    disable: procedure
      .meta({
        permission: 'self:write',
        rate: 'auth',
        stepUp: true,
        summary: 'Turn TOTP off (needs a recent re-authentication)',
      })
      .input(NoInput)
      .output(Ok)
      .mutation(({ ctx }) => disableMfa(ctx)),
  }),
  recoveryCodes: router({
    regenerate: procedure
      .meta({
        permission: 'self:write',
        rate: 'auth',
        stepUp: true,
        returnsSecret: true,
        summary: 'Replace every recovery code (needs a recent re-authentication)',
      })
      .input(NoInput)
      .output(RecoveryCodes)
      .mutation(({ ctx }) => regenerateRecoveryCodes(ctx)),
  }),
});
