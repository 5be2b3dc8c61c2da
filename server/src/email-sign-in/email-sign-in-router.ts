import {
  Accepted,
  EmailCodeSignInInput,
  EmailLinkSignInInput,
  EmailLinkSignInResult,
  RequestEmailSignInInput,
  SignInResult,
} from '@gatehouse/shared';
import { publicProcedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { requestEmailSignIn } from './request-email-sign-in';
import { signInWithCode } from './sign-in-with-code';
import { signInWithLink } from './sign-in-with-link';

/** Passwordless sign-in by a mailed link or code (`auth.email.*`, docs/sign-in-methods.md). */
export const emailSignInRouter = router({
  request: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        'Mail a one-time sign-in link and code if the address has an account (same answer ' +
        'either way); binds them to this browser',
    })
    .input(RequestEmailSignInInput)
    .output(Accepted)
    .mutation(({ ctx, input }) => requestEmailSignIn(ctx, input)),
  signInWithLink: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        'Sign in with the mailed link: at once in the browser that asked, after confirm: true ' +
        'elsewhere; sets the session cookie (or an MFA challenge)',
    })
    .input(EmailLinkSignInInput)
    .output(EmailLinkSignInResult)
    .mutation(({ ctx, input }) => signInWithLink(ctx, input)),
  signInWithCode: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        'Sign in with the mailed 8-digit code, in the browser that asked for it (5 tries); ' +
        'sets the session cookie (or an MFA challenge)',
    })
    .input(EmailCodeSignInInput)
    .output(SignInResult)
    .mutation(({ ctx, input }) => signInWithCode(ctx, input)),
});
