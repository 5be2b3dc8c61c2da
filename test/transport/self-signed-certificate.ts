import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  /** SHA-256 fingerprint, as tls.PeerCertificate.fingerprint256 reports it. */
  readonly fingerprint256: string;
}

/** A fresh self-signed P-256 certificate for localhost / 127.0.0.1, made with the openssl CLI. */
export async function createSelfSignedCertificate(
  dir: string,
  name: string,
): Promise<TestCertificate> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  const cert = await readFile(certFile);
  return { certFile, keyFile, cert, fingerprint256: new X509Certificate(cert).fingerprint256 };
}
