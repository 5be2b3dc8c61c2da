import { ConfirmTotpInput, NoInput, Ok, RecoveryCodes, TotpSetup } from '@gatehouse/shared';
import { procedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { beginTotp, confirmTotp, disableMfa, regenerateRecoveryCodes } from './manage-totp';

/** The caller's own second factor. */
export const mfaRouter = router({
  totp: router({
    begin: procedure
      .meta({ permission: 'self:write', rate: 'auth', summary: 'Start TOTP enrolment: returns the otpauth:// URI and secret once' })
      .input(NoInput)
      .output(TotpSetup)
      .mutation(({ ctx }) => beginTotp(ctx)),
    confirm: procedure
      .meta({ permission: 'self:write', rate: 'auth', summary: 'Enable TOTP with a correct code; returns ten recovery codes once' })
      .input(ConfirmTotpInput)
      .output(RecoveryCodes)
      .mutation(({ ctx, input }) => confirmTotp(ctx, input.code)),
    disable: procedure
      .meta({ permission: 'self:write', rate: 'auth', stepUp: true, summary: 'Turn TOTP off (needs a recent re-authentication)' })
      .input(NoInput)
      .output(Ok)
      .mutation(({ ctx }) => disableMfa(ctx)),
  }),
  recoveryCodes: router({
    regenerate: procedure
      .meta({ permission: 'self:write', rate: 'auth', stepUp: true, summary: 'Replace every recovery code (needs a recent re-authentication)' })
      .input(NoInput)
      .output(RecoveryCodes)
      .mutation(({ ctx }) => regenerateRecoveryCodes(ctx)),
  }),
});
