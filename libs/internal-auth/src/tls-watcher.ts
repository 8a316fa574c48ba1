import type { experimental } from '@grpc/grpc-js';
import { readTlsFiles, type TlsFiles, type TlsMaterial, type TlsUse } from './tls-files';

/** Where the watcher reports reloads: a service's logger fits. */
export interface TlsLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/**
 * A service's PEM files as a grpc-js certificate provider. They are read again every `intervalMs` while a server
 * or channel uses them; a changed set that checks out goes to the server and the channels, which use it for new
 * connections (open ones keep theirs), so a renewed certificate needs no restart. A changed set that does not
 * check out (a key of another certificate, a file half-written) is refused with a warning and the last good one
 * stays.
 */
export class TlsFileWatcher implements experimental.CertificateProvider {
  private material: TlsMaterial;
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly files: TlsFiles,
    private readonly use: TlsUse,
    private readonly intervalMs: number,
    private readonly log: TlsLog,
  ) {
    const { material, problems } = readTlsFiles(files, use);
    // The configuration check read the same files moments ago; this only guards a caller that skipped it.
    if (problems.length > 0) throw new Error(problems.map((p) => `${p.setting}: ${p.message}`).join('; '));
    this.material = material;
  }

  /** Reads the files now; what the timer does. */
  refresh(): void {
    const { material, problems } = readTlsFiles(this.files, this.use);
    if (problems.length > 0) {
      this.log.warn('gRPC TLS files changed but were refused; the previous ones stay in use', {
        problems: problems.map((p) => `${p.setting}: ${p.message}`),
      });
      return;
    }
    if (sameMaterial(material, this.material)) return;
    this.material = material;
    this.log.info('gRPC TLS files reloaded: new connections use them', {
      files: Object.values(this.files),
    });
    for (const listener of this.caListeners) listener(this.caUpdate());
    for (const listener of this.identityListeners) listener(this.identityUpdate());
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    this.watch();
    // Later, as grpc-js's own providers do: a server registers its watcher after adding the listener.
    process.nextTick(() => listener(this.caUpdate()));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
    this.unwatchWhenUnused();
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    this.watch();
    process.nextTick(() => listener(this.identityUpdate()));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
    this.unwatchWhenUnused();
  }

  private caUpdate(): experimental.CaCertificateUpdate | null {
    return this.material.ca ? { caCertificate: this.material.ca } : null;
  }

  private identityUpdate(): experimental.IdentityCertificateUpdate | null {
    const { cert, key } = this.material;
    return cert && key ? { certificate: cert, privateKey: key } : null;
  }

  private watch(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.refresh(), this.intervalMs);
    this.timer.unref(); // never what keeps a stopping process alive
  }

  private unwatchWhenUnused(): void {
    if (this.caListeners.size > 0 || this.identityListeners.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function sameMaterial(a: TlsMaterial, b: TlsMaterial): boolean {
  const same = (x: Buffer | undefined, y: Buffer | undefined): boolean =>
    x === undefined || y === undefined ? x === y : x.equals(y);
  return same(a.cert, b.cert) && same(a.key, b.key) && same(a.ca, b.ca);
}
