import { stackPort, startProcess } from '@aurora/testing';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './helm';

/** Debian's nginx package (.ci/run installs it). */
const NGINX = '/usr/sbin/nginx';

/** Where the chart mounts the web ConfigMap's files (charts/aurora/templates/web.yaml). */
export const SETTINGS_MOUNT = '/etc/nginx/aurora.d';

export interface WebImageServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops nginx and removes its configuration and temporary files. */
  stop(): Promise<void>;
}

/**
 * What the final stage of web/Dockerfile copies where: image path → the file or folder of this checkout it
 * comes from (`COPY web/…` from the build context, `COPY --from=build /app/…` from the build stage's checkout).
 */
export function webImageFiles(): Map<string, string> {
  const dockerfile = readFileSync(join(REPO_ROOT, 'web', 'Dockerfile'), 'utf8');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const files = new Map<string, string>();
  for (const [, from, source = '', target = ''] of finalStage.matchAll(
    /^COPY\s+(--from=\S+\s+)?(\S+)\s+(\S+)\s*$/gm,
  )) {
    const local = from === undefined ? source : source.replace(/^\/app\//, '');
    files.set(target, join(REPO_ROOT, local));
  }
  return files;
}

/**
 * The web image's nginx as a local process (Debian's nginx package): web/nginx.conf as the image holds it, with
 * the image's paths pointed at this checkout (web/dist/browser: build first), `settings` (file name → content,
 * the chart's ConfigMap) as the mounted settings folder, and a free loopback port instead of 8080.
 */
export async function startWebImage(settings: Readonly<Record<string, string>>): Promise<WebImageServer> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install nginx (as .ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'aurora-web-nginx-'));
  try {
    const port = await stackPort();
    const settingsDir = join(dir, 'aurora.d');
    mkdirSync(settingsDir);
    for (const [name, content] of Object.entries(settings)) writeFileSync(join(settingsDir, name), content);
    const files = webImageFiles();
    const server = files.get('/etc/nginx/conf.d/default.conf');
    if (server === undefined) throw new Error('web/Dockerfile copies no /etc/nginx/conf.d/default.conf');
    const paths = new Map([...files, [SETTINGS_MOUNT, settingsDir]]);
    writeFileSync(join(dir, 'default.conf'), localServer(readFileSync(server, 'utf8'), paths, port));
    writeFileSync(join(dir, 'nginx.conf'), mainConfig(dir));
    const running = await startProcess({
      name: 'nginx',
      command: NGINX,
      args: ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'],
      readyUrl: `http://127.0.0.1:${port}/healthz`,
    });
    return {
      url: `http://127.0.0.1:${port}`,
      stop: async () => {
        await running.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The server block with every image path (longest first) replaced by its local twin, listening on `port`. */
function localServer(config: string, paths: ReadonlyMap<string, string>, port: number): string {
  const listen = /^(\s*)listen\s+8080;$/m;
  if (!listen.test(config)) throw new Error('web/nginx.conf does not listen on 8080');
  let local = config.replace(listen, `$1listen 127.0.0.1:${port};`);
  for (const [image, path] of [...paths].sort(([a], [b]) => b.length - a.length))
    local = local.replaceAll(image, path);
  return local;
}

/**
 * The http block around it, like the nginx-unprivileged image's /etc/nginx/nginx.conf (mime types, temp files
 * in a writable folder), in one process in the foreground: no worker switching to another user.
 */
function mainConfig(dir: string): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${join(dir, `${kind}_temp`)};`)
    .join('\n');
  return `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
${temp}
  include ${join(dir, 'default.conf')};
}
`;
}
