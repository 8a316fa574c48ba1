import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

/** The superuser of a local cluster; its password is the caller's (npm start keeps one in data/local). */
export const LOCAL_POSTGRES_USER = 'aurora';

/** Debian installs each major version under /usr/lib/postgresql/<major>/bin: the newest is used. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] === undefined ? undefined : join(root, majors[0], 'bin');
}

function requiredBin(): string {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed: apt-get install postgresql (Debian's package)");
  return bin;
}

/** PostgreSQL refuses to run as root: as root, its programs run as Debian's `postgres` user. */
function asServerUser(command: string, args: readonly string[]): { command: string; args: string[] } {
  if (process.getuid?.() !== 0) return { command, args: [...args] };
  return {
    command: 'setpriv',
    args: ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args],
  };
}

/**
 * Where a cluster meant for `preferred` can live. As root the server runs as `postgres`, which must be able to
 * reach its directory: a checkout under a private directory (a fresh `mktemp -d`, a home with mode 0700) is not
 * reachable, so the cluster then lives under the postgres user's own /var/lib/postgresql, one per `preferred`.
 */
export function clusterDirectory(preferred: string): string {
  const wanted = resolve(preferred);
  if (process.getuid?.() !== 0) return wanted;
  const { uid } = serverUser();
  for (let dir = dirname(wanted); ; dir = dirname(dir)) {
    if (existsSync(dir)) {
      const { mode, uid: owner } = statSync(dir);
      if (owner !== uid && (mode & 0o001) === 0) {
        const key = createHash('sha256').update(wanted).digest('hex').slice(0, 16);
        return join('/var/lib/postgresql/aurora', key);
      }
    }
    if (dir === dirname(dir)) return wanted;
  }
}

/**
 * Creates a cluster in `dir` unless one is there: UTF-8, superuser `aurora` with `password` (SCRAM over TCP;
 * the cluster listens on 127.0.0.1 only, and on no Unix socket outside `dir`).
 */
export function initCluster(dir: string, password: string): void {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  rmSync(dir, { recursive: true, force: true });
  // Its parents as any directory is made (traversable), the cluster itself private to its owner.
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { mode: 0o700 });
  // The password file lives in a private directory of its own for the moment initdb reads it.
  const secret = mkdtempSync(join(tmpdir(), 'aurora-initdb-'));
  const pwfile = join(secret, 'password');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (process.getuid?.() === 0) {
    const { uid, gid } = serverUser();
    for (const path of [dir, secret, pwfile]) chownSync(path, uid, gid);
  }
  try {
    const { command, args } = asServerUser(join(requiredBin(), 'initdb'), [
      '-D',
      dir,
      '-U',
      LOCAL_POSTGRES_USER,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-instructions',
    ]);
    // From `/`: the caller's directory may be one the postgres user cannot enter.
    const result = spawnSync(command, args, { encoding: 'utf8', cwd: '/' });
    if (result.status !== 0)
      throw new Error(
        `initdb failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout).trim()}`,
      );
  } finally {
    rmSync(secret, { recursive: true, force: true });
  }
}

/** The command line of the server on `port`, logging to stderr (its ready line: READY_LINE). */
export function serverCommand(dir: string, port: number): { command: string; args: string[] } {
  return asServerUser(join(requiredBin(), 'postgres'), [
    '-D',
    dir,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    '-c',
    'logging_collector=off',
    '-c',
    'fsync=off',
  ]);
}

/** What the server prints once it accepts connections. */
export const READY_LINE = /database system is ready to accept connections/;

export function databaseUrl(port: number, password: string, database: string): string {
  return `postgres://${LOCAL_POSTGRES_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** Creates `database` unless it exists (connected to the cluster's `postgres` database). */
export async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl(port, password, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

function serverUser(): { uid: number; gid: number } {
  const id = (flag: string): number =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error("PostgreSQL runs as Debian's postgres user, and there is none");
  return { uid, gid: id('-g') };
}
