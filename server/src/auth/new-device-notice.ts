import { enqueueMail } from '../mail/enqueue-mail';
import { securityNoticeMails } from '../account/security-notice-mails';
import type { Context } from '../pipeline/context';

/**
 * Mails the owner when a sign-in completes in a browser without this account's device cookie,
 * unless it is the account's first sign-in ever (nothing to compare with). The device cookie
 * (device-cookie.ts) is what "seen before" means: signed, per account, renewed at each
 * sign-in. Over the address's hourly cap the notice is dropped, never the sign-in.
 */
export async function noticeNewDevice(
  ctx: Context,
  user: { readonly id: string; readonly email: string },
): Promise<void> {
  const { deps } = ctx;
  const device = deps.deviceCookies.read(ctx.headers.cookie, ctx.secure);
  if (device && deps.deviceCookies.isFor(device, user.email)) return;
  const before = await deps.db
    .selectFrom('audit_events')
    .select('id')
    .where('actor_id', '=', user.id)
    .where('action', '=', 'auth.sign_in')
    .where('outcome', '=', 'success')
    .limit(1)
    .executeTakeFirst();
  if (!before) return;
  await enqueueMail(
    deps.db,
    deps,
    'new_device_sign_in',
    securityNoticeMails.newDeviceSignIn(user.email, {
      at: new Date(),
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    }),
  );
  deps.outbox.kick();
}
