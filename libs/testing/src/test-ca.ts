import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The PEM files of one issued certificate, and of the CA that issued it. */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
  /** The issuing CA's certificate: what a peer of this one trusts. */
  readonly ca: string;
  /** The GRPC_TLS_* settings of a service using this certificate, in `mode`. */
  env(mode: 'tls' | 'mtls'): Record<string, string>;
}

export interface CertificateOptions {
  /** Subject alternative names, openssl style; default `DNS:localhost` and `IP:127.0.0.1`. */
  readonly sans?: readonly string[];
  /** Extended key usages; default both, as the chart's certificates have. */
  readonly usages?: readonly ('serverAuth' | 'clientAuth')[];
  /** Validity from now; negative: expired that many days ago. */
  readonly days?: number;
}

/** A throwaway certificate authority in a temporary folder, made with `openssl` (ECDSA P-256, one day). */
export interface TestCa {
  readonly dir: string;
  /** `<dir>/ca.crt` */
  readonly cert: string;
  issue(name: string, options?: CertificateOptions): TestCertificate;
  remove(): void;
}

function openssl(args: readonly string[]): void {
  execFileSync('openssl', [...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export function createTestCa(name = 'aurora-test-ca'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const cert = join(dir, 'ca.crt');
  const key = join(dir, 'ca.key');
  openssl(['req', '-x509', ...NEW_KEY, '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`]);
  return {
    dir,
    cert,
    issue: (subject, options = {}) => {
      const base = join(dir, subject);
      const extensions = [
        'basicConstraints=CA:FALSE',
        `subjectAltName=${(options.sans ?? ['DNS:localhost', 'IP:127.0.0.1']).join(',')}`,
        `extendedKeyUsage=${(options.usages ?? ['serverAuth', 'clientAuth']).join(',')}`,
      ];
      writeFileSync(`${base}.ext`, extensions.join('\n') + '\n');
      openssl([
        'req',
        ...NEW_KEY,
        '-keyout',
        `${base}.key`,
        '-out',
        `${base}.csr`,
        '-subj',
        `/CN=${subject}`,
      ]);
      openssl([
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        cert,
        '-CAkey',
        key,
        '-set_serial',
        `0x${randomBytes(8).toString('hex')}`,
        '-days',
        String(options.days ?? 1),
        '-extfile',
        `${base}.ext`,
        '-out',
        `${base}.crt`,
      ]);
      const issued = { cert: `${base}.crt`, key: `${base}.key`, ca: cert };
      return {
        ...issued,
        env: (mode) => ({
          GRPC_TLS_MODE: mode,
          GRPC_TLS_CERT: issued.cert,
          GRPC_TLS_KEY: issued.key,
          GRPC_TLS_CA: issued.ca,
        }),
      };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
