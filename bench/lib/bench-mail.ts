import { startSmtpCapture, type SmtpCapture } from '../../test/support/smtp-capture';

let capture: Promise<SmtpCapture> | undefined;

/**
 * The loopback SMTP listener every server process of a run mails to: how the seed follows the
 * verification link a new account is sent (orgs and keys need a verified address).
 */
export function benchMail(): Promise<SmtpCapture> {
  capture ??= startSmtpCapture();
  return capture;
}

/** Stops the listener, if this run started one. */
export async function closeBenchMail(): Promise<void> {
  const started = capture;
  capture = undefined;
  await (await started)?.close();
}
