// CI's proof of the README's first command. On a fresh clone of this commit (nothing built, no demo data, but
// the install CI already made, hard-linked in), `npm start` must reach /api/v1/health/ready, answer an
// authenticated query, and stop on SIGINT (what Ctrl-C sends to the whole process group) leaving no process
// behind. Runs on the machine's own node, as a new user's `npm start` would.
const { execFileSync, spawn } = require('node:child_process');
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } = require('node:fs');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const repo = join(__dirname, '..');
const START_TIMEOUT_MS = 10 * 60_000;
const STOP_TIMEOUT_MS = 30_000;
const GATEWAY = 'http://127.0.0.1:8080';
const ISSUER = 'http://127.0.0.1:8081';

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** A clone of HEAD with every node_modules of the CI checkout hard-linked in (their links are relative). */
function freshClone(dir) {
  const head = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-local', '--no-checkout', repo, dir]);
  execFileSync('git', ['-C', dir, 'fetch', '--quiet', 'origin', head]); // HEAD may be on no branch
  execFileSync('git', ['-C', dir, 'checkout', '--quiet', '--detach', head]);
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const folders = ['.', ...manifest.workspaces.flatMap(expandWorkspace)];
  for (const folder of folders) {
    if (existsSync(join(repo, folder, 'node_modules')))
      execFileSync('cp', ['-al', join(repo, folder, 'node_modules'), join(dir, folder, 'node_modules')]);
  }
  // npm's record of the install is as new as the clone's lockfile: `npm start` sees nothing to install.
  const now = new Date();
  utimesSync(join(dir, 'node_modules', '.package-lock.json'), now, now);
}

/** `libs/*` → the folders it names; a plain folder → itself. */
function expandWorkspace(pattern) {
  if (!pattern.endsWith('/*')) return [pattern];
  const parent = pattern.slice(0, -2);
  return readdirSync(join(repo, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${parent}/${entry.name}`);
}

/** Processes in a process group, from /proc (Linux). */
function processesInGroup(pgid) {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) !== pgid) return [];
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
        return [`${pid} ${command}`];
      } catch {
        return []; // gone meanwhile
      }
    });
}

async function json(url, init) {
  const response = await fetch(url, init);
  const body = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} → ${response.status}: ${body}`);
  return JSON.parse(body);
}

/** One authenticated question through the whole stack: regions of the newest daily load, by revenue. */
async function askOneQuestion() {
  const ready = await fetch(`${GATEWAY}/api/v1/health/ready`);
  if (ready.status !== 200) throw new Error(`/api/v1/health/ready answered ${ready.status}`);
  const { access_token: token } = await json(`${ISSUER}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('alice-cli:alice-cli').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const { loadTypes } = await json(`${GATEWAY}/api/v1/datasets/global_sales/vintages`, { headers: auth });
  const daily = loadTypes.find((type) => type.loadType === 'DAILY');
  const query = {
    dataset: 'global_sales',
    vintages: { global_sales: { loadType: 'DAILY', loadId: daily.loadIds[0] } },
    aggregate: {
      groupBy: ['region'],
      measures: [{ fn: 'sum', column: 'amount', as: 'revenue' }],
    },
    sort: [{ column: 'revenue', dir: 'desc' }],
  };
  const preview = await json(`${GATEWAY}/api/v1/query/preview`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify(query),
  });
  if (preview.rows.length === 0) throw new Error('the query answered no rows');
  return preview;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'aurora-start-check-'));
  const clone = join(dir, 'aurora');
  let child;
  const output = [];
  try {
    freshClone(clone);
    // Its own NATS on a free port: the check covers starting one, and leaves any NATS of the machine alone.
    // Nx's cache lives outside the checkout (~/.nx): skipped, so that the clone really builds everything.
    const natsUrl = `nats://127.0.0.1:${await freePort()}`;
    const env = { ...process.env, NATS_URL: natsUrl, NX_SKIP_NX_CACHE: 'true' };
    const started = Date.now();
    child = spawn('npm', ['start'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('npm start was not ready in time')), START_TIMEOUT_MS);
      const onData = (chunk) => {
        output.push(chunk.toString());
        if (output.join('').includes('Aurora is running')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then(({ code }) => reject(new Error(`npm start exited (${code}) before it was ready`)));
    });
    const readyMs = Date.now() - started;
    const preview = await askOneQuestion();
    const beforeStop = output.join('').length;
    process.kill(-child.pid, 'SIGINT');
    const stopStarted = Date.now();
    // npm itself dies of the SIGINT, as on a terminal (exit status 130); what matters is that the stack stops
    // by itself, without an error, and that nothing of the group is left.
    const exit = await Promise.race([exited, delay(STOP_TIMEOUT_MS).then(() => ({ code: 'timeout' }))]);
    if (exit.code !== 0 && exit.signal !== 'SIGINT')
      throw new Error(`npm start ended with ${JSON.stringify(exit)}`);
    let left = processesInGroup(child.pid);
    while (left.length > 0 && Date.now() - stopStarted < STOP_TIMEOUT_MS) {
      await delay(200);
      left = processesInGroup(child.pid);
    }
    if (left.length > 0) throw new Error(`processes left behind:\n  ${left.join('\n  ')}`);
    const stopping = output.join('').slice(beforeStop);
    if (stopping.includes('✖')) throw new Error('the stack reported an error while stopping');
    const steps = output
      .join('')
      .split('\n')
      .filter((line) => /^▶|Successfully ran target|local cache|^Done in/.test(line.trim()));
    process.stdout.write(`${steps.join('\n')}\n`);
    const regions = preview.rows.map((row) => row[0]).join(', ');
    process.stdout.write(
      `npm start on a fresh clone: ready in ${(readyMs / 1000).toFixed(1)} s, answered (${regions}), ` +
        `stopped on SIGINT in ${((Date.now() - stopStarted) / 1000).toFixed(1)} s, no process left\n`,
    );
  } catch (error) {
    process.stderr.write(`${output.join('')}\n✖ npm start check: ${error.message}\n`);
    if (child !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exitCode = 1;
  } finally {
    // The clone's PostgreSQL cluster: under /var/lib/postgresql when root, whom a private temporary directory
    // keeps out of the clone (@aurora/local-postgres, built by npm test).
    const { clusterDirectory } = require(join(repo, 'libs/local-postgres/dist'));
    rmSync(clusterDirectory(join(clone, 'data/local/postgres')), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
