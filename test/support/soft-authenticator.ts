import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  PasskeyAssertion,
  PasskeyAttestation,
  PasskeyAuthenticationOptions,
  PasskeyRegistrationOptions,
} from '@gatehouse/shared';
import { createTestClient, type TestClient } from './trpc-test-client';

/**
 * A software WebAuthn authenticator for tests of the protocol: ES256 (P-256) credentials made
 * with node:crypto, `none` attestation, discoverable (it keeps the user handle). Each answer
 * can lie on purpose: another origin or RP ID, no user verification, a chosen signature
 * counter (a cloned authenticator replays an old one).
 *
 * The CBOR is encoded here (maps of small int or text keys, byte and text strings, ints:
 * all that `none` attestation needs); the server decodes it with @simplewebauthn's own
 * decoder, so a wrong encoding fails the tests rather than passing them.
 */
export interface SoftCredential {
  readonly id: string;
  readonly userHandle: string;
  readonly rpId: string;
  readonly privateKey: KeyObject;
  /** The signature counter the next assertion reports (then incremented). */
  counter: number;
}

/** Deliberate departures from an honest authenticator, per answer. */
export interface SoftTweaks {
  readonly origin?: string;
  readonly rpId?: string;
  /** false: the UV flag is not set (user present only). */
  readonly userVerified?: boolean;
  /** The counter to report instead of the credential's own (which is left as it was). */
  readonly counter?: number;
  /** The credential to answer with (default: the newest). */
  readonly credential?: SoftCredential;
  /** Set the backup flags (BE and BS): a synced passkey. */
  readonly backedUp?: boolean;
}

export interface SoftAuthenticator {
  readonly credentials: SoftCredential[];
  /** Answers `navigator.credentials.create()` with the options the server gave. */
  register(options: PasskeyRegistrationOptions, tweaks?: SoftTweaks): PasskeyAttestation;
  /** Answers `navigator.credentials.get()` with the options the server gave. */
  assert(options: PasskeyAuthenticationOptions, tweaks?: SoftTweaks): PasskeyAssertion;
}

/**
 * The page's origin and RP ID the server is told about. The software authenticator claims
 * them; the server is never reached at that origin (the Origin header the client sends is
 * its own, for CSRF, which is a different check).
 */
export const PASSKEY_ENV = {
  WEBAUTHN_RP_ID: 'localhost',
  WEBAUTHN_ORIGINS: 'http://localhost:5998',
} as const;
export const PAGE = { origin: 'http://localhost:5998', rpId: 'localhost' } as const;

/** Registers a passkey for a signed-in (freshly stepped-up) client. */
export async function addPasskey(
  client: TestClient,
  authenticator: SoftAuthenticator,
  name?: string,
): Promise<{ id: string; name: string }> {
  const options = await client.trpc.account.passkeys.registrationOptions.mutate();
  return client.trpc.account.passkeys.register.mutate({
    response: authenticator.register(options),
    ...(name ? { name } : {}),
  });
}

/** A fresh browser signs in with the authenticator's passkey. */
export async function passkeySignIn(
  url: string,
  authenticator: SoftAuthenticator,
): Promise<TestClient> {
  const browser = createTestClient(url);
  const options = await browser.trpc.auth.passkey.options.mutate();
  const result = await browser.trpc.auth.passkey.signIn.mutate({
    response: authenticator.assert(options),
  });
  if (result.status !== 'signed_in') throw new Error('passkey sign-in: no session');
  return browser;
}

const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;

export function createSoftAuthenticator(defaults: {
  readonly origin: string;
  readonly rpId: string;
}): SoftAuthenticator {
  const credentials: SoftCredential[] = [];
  const clientData = (type: string, challenge: string, origin: string): Buffer =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  const flagsOf = (tweaks: SoftTweaks, extra: number): number =>
    UP | (tweaks.userVerified === false ? 0 : UV) | (tweaks.backedUp ? BE | BS : 0) | extra;
  return {
    credentials,
    register(options, tweaks = {}) {
      const rpId = tweaks.rpId ?? options.rp.id ?? defaults.rpId;
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const idBytes = randomBytes(32);
      const credential: SoftCredential = {
        id: idBytes.toString('base64url'),
        userHandle: options.user.id,
        rpId,
        privateKey,
        counter: 1,
      };
      credentials.push(credential);
      const coseKey = cbor(
        new Map<number, CborValue>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, Buffer.from(jwk.x ?? '', 'base64url')],
          [-3, Buffer.from(jwk.y ?? '', 'base64url')],
        ]),
      );
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(idBytes.length);
      const authData = Buffer.concat([
        sha256(rpId),
        Buffer.from([flagsOf(tweaks, AT)]),
        u32(tweaks.counter ?? 0),
        Buffer.alloc(16),
        idLength,
        idBytes,
        coseKey,
      ]);
      const attestationObject = cbor(
        new Map<string, CborValue>([
          ['fmt', 'none'],
          ['attStmt', new Map<string, CborValue>()],
          ['authData', authData],
        ]),
      );
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: clientData(
            'webauthn.create',
            options.challenge,
            tweaks.origin ?? defaults.origin,
          ).toString('base64url'),
          attestationObject: attestationObject.toString('base64url'),
          transports: ['internal'],
        },
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
      };
    },
    assert(options, tweaks = {}) {
      const credential = tweaks.credential ?? credentials[credentials.length - 1];
      if (!credential) throw new Error('soft authenticator: no credential registered');
      let counter = tweaks.counter;
      if (counter === undefined) {
        counter = credential.counter;
        credential.counter += 1;
      }
      const authData = Buffer.concat([
        sha256(tweaks.rpId ?? credential.rpId),
        Buffer.from([flagsOf(tweaks, 0)]),
        u32(counter),
      ]);
      const data = clientData('webauthn.get', options.challenge, tweaks.origin ?? defaults.origin);
      const signature = sign(
        'sha256',
        Buffer.concat([authData, sha256(data)]),
        credential.privateKey,
      );
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: data.toString('base64url'),
          authenticatorData: authData.toString('base64url'),
          signature: signature.toString('base64url'),
          userHandle: credential.userHandle,
        },
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
      };
    },
  };
}

function sha256(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

type CborValue = number | string | Buffer | Map<number | string, CborValue>;

/** Definite-length CBOR of the few types attestation needs (RFC 8949 §3). */
function cbor(value: CborValue): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  const parts = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  const b = Buffer.alloc(3);
  b[0] = (major << 5) | 25;
  b.writeUInt16BE(n, 1);
  return b;
}
