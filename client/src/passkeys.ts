import type { GatehouseClient } from './create-gatehouse-client';
import type { RouterOutputs } from './router-types';

/**
 * The WebAuthn calls of the browser these helpers use (typed here: the SDK compiles without
 * the DOM library). The JSON helpers ship in Chromium 129, Firefox 119 and Safari 18.4.
 */
interface WebAuthnGlobals {
  readonly navigator?: {
    readonly credentials?: {
      create(options: { publicKey: unknown }): Promise<{ toJSON(): unknown } | null>;
      get(options: { publicKey: unknown }): Promise<{ toJSON(): unknown } | null>;
    };
  };
  readonly PublicKeyCredential?: {
    parseCreationOptionsFromJSON?(options: unknown): unknown;
    parseRequestOptionsFromJSON?(options: unknown): unknown;
  };
}

type RegisterInput = Parameters<GatehouseClient['account']['passkeys']['register']['mutate']>[0];
type Attestation = RegisterInput['response'];
type Assertion = Parameters<GatehouseClient['auth']['passkey']['signIn']['mutate']>[0]['response'];

function webAuthn(): Required<WebAuthnGlobals> & {
  navigator: { credentials: NonNullable<NonNullable<WebAuthnGlobals['navigator']>['credentials']> };
} {
  const g = globalThis as unknown as WebAuthnGlobals;
  const credentials = g.navigator?.credentials;
  const pkc = g.PublicKeyCredential;
  if (!credentials || !pkc?.parseCreationOptionsFromJSON || !pkc.parseRequestOptionsFromJSON)
    throw new Error('This browser has no WebAuthn JSON support (passkeys need a current browser)');
  return { navigator: { credentials }, PublicKeyCredential: pkc };
}

async function create(optionsJSON: unknown): Promise<Attestation> {
  const w = webAuthn();
  const credential = await w.navigator.credentials.create({
    publicKey: w.PublicKeyCredential.parseCreationOptionsFromJSON?.(optionsJSON),
  });
  if (!credential) throw new Error('No passkey was created');
  return credential.toJSON() as Attestation;
}

async function assert(optionsJSON: unknown): Promise<Assertion> {
  const w = webAuthn();
  const credential = await w.navigator.credentials.get({
    publicKey: w.PublicKeyCredential.parseRequestOptionsFromJSON?.(optionsJSON),
  });
  if (!credential) throw new Error('No passkey was chosen');
  return credential.toJSON() as Assertion;
}

/**
 * Creates a passkey for the signed-in user (a step-up session: on REAUTH_REQUIRED,
 * re-authenticate and call again) and registers it.
 *
 * @example
 * const passkey = await registerPasskey(client, { name: 'Laptop' });
 */
export async function registerPasskey(
  client: GatehouseClient,
  options: { name?: string } = {},
): Promise<RouterOutputs['account']['passkeys']['register']> {
  const optionsJSON = await client.account.passkeys.registrationOptions.mutate();
  const response = await create(optionsJSON);
  return client.account.passkeys.register.mutate({
    response,
    ...(options.name === undefined ? {} : { name: options.name }),
  });
}

/**
 * Signs in with a passkey, no username typed (the browser offers the account's passkeys);
 * sets the session cookie.
 *
 * @example
 * const { user } = await signInWithPasskey(client);
 */
export async function signInWithPasskey(
  client: GatehouseClient,
): Promise<RouterOutputs['auth']['passkey']['signIn']> {
  const optionsJSON = await client.auth.passkey.options.mutate();
  return client.auth.passkey.signIn.mutate({ response: await assert(optionsJSON) });
}

/** Answers a sign-in's `mfa_required` challenge with a passkey instead of a TOTP code. */
export async function verifyMfaWithPasskey(
  client: GatehouseClient,
  challenge: string,
): Promise<RouterOutputs['auth']['verifyMfa']> {
  const optionsJSON = await client.auth.passkey.options.mutate({ mfaChallenge: challenge });
  return client.auth.verifyMfa.mutate({ challenge, passkey: await assert(optionsJSON) });
}

/** Step-up with a passkey (after REAUTH_REQUIRED), then retry the refused call. */
export async function reauthenticateWithPasskey(
  client: GatehouseClient,
): Promise<RouterOutputs['auth']['reauthenticate']> {
  const optionsJSON = await client.account.passkeys.reauthenticationOptions.mutate();
  return client.auth.reauthenticate.mutate({ passkey: await assert(optionsJSON) });
}
