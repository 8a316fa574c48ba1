import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The settings naming this service's PEM files (paths). */
export type TlsFileSetting = 'GRPC_TLS_CERT' | 'GRPC_TLS_KEY' | 'GRPC_TLS_CA';
export type TlsFiles = Readonly<Partial<Record<TlsFileSetting, string | undefined>>>;

/** What this service's certificate must be good for: serving (metadata, query), calling under mTLS, or both. */
export interface TlsUse {
  readonly server: boolean;
  readonly client: boolean;
}

/** The files' contents, as grpc-js takes them. */
export interface TlsMaterial {
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly ca?: Buffer;
}

export interface TlsProblem {
  readonly setting: TlsFileSetting;
  readonly message: string;
}

const EXTENDED_USAGE = { server: '1.3.6.1.5.5.7.3.1', client: '1.3.6.1.5.5.7.3.2' } as const;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/**
 * Reads the files that are set and checks what a TLS handshake would otherwise reject obscurely, naming the
 * setting: unreadable, not PEM, a key that is not the certificate's, expired, or missing the extended key usage
 * it is needed for. Used at start (the config check) and on every reload.
 */
export function readTlsFiles(
  files: TlsFiles,
  use: TlsUse,
  now = new Date(),
): { material: TlsMaterial; problems: TlsProblem[] } {
  const problems: TlsProblem[] = [];
  const read = (setting: TlsFileSetting): Buffer | undefined => {
    const path = files[setting];
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      problems.push({ setting, message: `cannot read ${path} (${code})` });
      return undefined;
    }
  };
  const material = { cert: read('GRPC_TLS_CERT'), key: read('GRPC_TLS_KEY'), ca: read('GRPC_TLS_CA') };
  const certificate = material.cert && parseCertificates(material.cert)[0];
  if (material.cert && !certificate) {
    problems.push({
      setting: 'GRPC_TLS_CERT',
      message: `${String(files.GRPC_TLS_CERT)} holds no PEM certificate`,
    });
  }
  if (certificate) problems.push(...certificateProblems(certificate, use, now));
  const key = material.key && parsePrivateKey(material.key);
  if (material.key && !key) {
    problems.push({
      setting: 'GRPC_TLS_KEY',
      message: `${String(files.GRPC_TLS_KEY)} holds no PEM private key`,
    });
  }
  if (certificate && key && !certificate.checkPrivateKey(key)) {
    problems.push({
      setting: 'GRPC_TLS_KEY',
      message: 'is not the private key of the GRPC_TLS_CERT certificate',
    });
  }
  if (material.ca && parseCertificates(material.ca).length === 0) {
    problems.push({
      setting: 'GRPC_TLS_CA',
      message: `${String(files.GRPC_TLS_CA)} holds no PEM certificate`,
    });
  }
  return { material, problems };
}

function certificateProblems(certificate: X509Certificate, use: TlsUse, now: Date): TlsProblem[] {
  const problems: string[] = [];
  if (certificate.validToDate < now) problems.push(`expired on ${certificate.validToDate.toISOString()}`);
  if (certificate.validFromDate > now)
    problems.push(`is not valid before ${certificate.validFromDate.toISOString()}`);
  // No extended key usage means any usage; a list must name each one this service needs.
  const usages = certificate.keyUsage as string[] | undefined;
  if (usages !== undefined) {
    if (use.server && !usages.includes(EXTENDED_USAGE.server)) problems.push('lacks the usage "server auth"');
    if (use.client && !usages.includes(EXTENDED_USAGE.client)) problems.push('lacks the usage "client auth"');
  }
  return problems.map((message) => ({ setting: 'GRPC_TLS_CERT', message }));
}

/** Every certificate of a PEM bundle; none when a block does not parse. */
function parseCertificates(pem: Buffer): X509Certificate[] {
  try {
    return (pem.toString('utf8').match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
  } catch {
    return [];
  }
}

function parsePrivateKey(pem: Buffer): KeyObject | undefined {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return undefined;
  }
}
