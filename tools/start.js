// `npm start`: install what is missing, build, generate the demo warehouse if absent, then run the local stack
// (dev IdP, metadata, query, gateway) with prefixed logs. Ctrl-C stops everything.
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const env = { ...process.env, NX_DAEMON: 'false' };
const issuer = env.OIDC_ISSUER ?? 'http://127.0.0.1:8081';
const gatewayUrl = `http://${env.GATEWAY_HOST ?? '127.0.0.1'}:${env.GATEWAY_PORT ?? '8080'}`;

/** Installs a Debian package when its command is missing (the machine allows apt-get as root). */
function ensureDebianPackage(commandName, packageName) {
  if (spawnSync('sh', ['-c', `command -v ${commandName}`]).status === 0) return;
  step(`Installing ${packageName}`, 'sh', [
    '-c',
    `apt-get update -qq && apt-get install -y -qq ${packageName}`,
  ]);
}

function step(title, command, args) {
  process.stdout.write(`\n▶ ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`✖ ${title} failed\n`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json')))
  step('Installing dependencies', 'npm', ['ci']);
step('Building', 'npx', ['nx', 'run-many', '-t', 'build', '--output-style=static']);
const warehouse = join(root, 'data', 'demo', 'warehouse.duckdb');
if (!existsSync(warehouse)) step('Generating the demo warehouse', 'node', ['tools/demo-data/dist/main.js']);

// NATS: use a reachable NATS_URL, else start a local nats-server with JetStream (Debian's package).
const natsUrl = env.NATS_URL ?? 'nats://127.0.0.1:4222';
env.NATS_URL = natsUrl;
const natsPort = new URL(natsUrl).port || '4222';
const s3Port = new URL(env.S3_ENDPOINT ?? 'http://127.0.0.1:9000').port || '9000';
const dataDir = join(root, 'data', 'local');

function reachable(port) {
  return new Promise((resolve) => {
    const socket = require('node:net').connect({ host: '127.0.0.1', port: Number(port) });
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const services = [
  { name: 'dev-idp', script: 'tools/dev-idp/dist/main.js', ready: /listening/ },
  { name: 'metadata', script: 'services/metadata/dist/main.js', ready: /metadata listening/ },
  { name: 'query', script: 'services/query/dist/main.js', ready: /query listening/ },
  { name: 'gateway', script: 'services/gateway/dist/main.js', ready: /gateway listening/ },
  // As its start script runs it: a bounded old generation keeps a large export's worker near 170 MB.
  {
    name: 'export',
    args: ['--max-old-space-size=128', join(root, 'services/export/dist/main.js')],
    ready: /export worker listening/,
  },
];
const children = [];
let stopping = false;

function stop(code) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping…\n');
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve())),
    ),
  ).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

function start({ name, script, ready, command = process.execPath, args }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args ?? [join(root, script)], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let isReady = false;
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        process.stdout.write(`[${name}] ${line}\n`);
      if (!isReady && ready.test(chunk.toString())) {
        isReady = true;
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (!isReady) reject(new Error(`${name} exited (${code}) before it was ready`));
      else if (!stopping) {
        process.stderr.write(`✖ ${name} stopped (${code}); stopping the stack\n`);
        stop(1);
      }
    });
  });
}

/** Each service's /metrics (docs/METRICS.md): distinct default METRICS_PORTs, so the four never clash. */
function metricsUrls() {
  if (env.METRICS_PORT === '0') return 'off (METRICS_PORT=0)';
  const ports = { metadata: 9461, query: 9462, gateway: 9463, export: 9464 };
  return Object.entries(ports)
    .map(([name, port]) => `${name} http://127.0.0.1:${port}/metrics`)
    .join('\n               ');
}

(async () => {
  if (!(await reachable(natsPort))) {
    ensureDebianPackage('nats-server', 'nats-server');
    require('node:fs').mkdirSync(join(dataDir, 'nats'), { recursive: true });
    await start({
      name: 'nats',
      command: 'nats-server',
      args: ['-a', '127.0.0.1', '-p', natsPort, '-js', '-sd', join(dataDir, 'nats')],
      ready: /Server is ready/,
    });
  }
  require('node:fs').mkdirSync(join(dataDir, 's3'), { recursive: true });
  await start({
    name: 's3',
    args: [
      require.resolve('s3rver/bin/s3rver.js'),
      '-d',
      join(dataDir, 's3'),
      '-a',
      '127.0.0.1',
      '-p',
      s3Port,
      '--configure-bucket',
      'aurora-exports',
    ],
    ready: /listening/i,
  });
  for (const service of services) await start(service);
  process.stdout.write(`
Aurora is running: ${gatewayUrl}
  API docs:    ${gatewayUrl}/api/docs
  Exports:     NATS ${natsUrl}, S3 http://127.0.0.1:${s3Port} (bucket aurora-exports)
  Metrics:     ${metricsUrls()}
  Sign-in:     ${issuer} (dev logins: alice/alice — analysts, bob/bob — hr, carol/carol — admins)
  A token for scripts:
    TOKEN=$(curl -s -u alice-cli:alice-cli -d grant_type=client_credentials ${issuer}/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
    curl -H "Authorization: Bearer $TOKEN" ${gatewayUrl}/api/v1/datasets
Ctrl-C stops everything.
`);
})().catch((error) => {
  process.stderr.write(`✖ ${error.message}\n`);
  stop(1);
});
