// `npm start`: install what is missing, build, generate the demo warehouse if absent, then run the local stack
// in a fixed order (NATS, S3, dev IdP, dev mail server, metadata, query, gateway, export worker) with prefixed logs. A step that
// fails says which it was and why, and stops what had started. Ctrl-C stops everything.
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const { join } = require('node:path');
const runtime = require('./runtime');

const { root } = runtime;
const env = { ...process.env, NX_DAEMON: 'false' };
const dataDir = join(root, 'data', 'local');
/** The local NATS users' passwords (mode 0600), generated once: docs/OPERATIONS.md, "NATS permissions". */
const natsCredentialsFile = join(dataDir, 'nats-credentials.json');
/** A NATS_URL of the caller's that answers is used as it is; otherwise npm start runs its own NATS there. */
const natsUrlGiven = env.NATS_URL !== undefined;
let natsUrl = (env.NATS_URL ??= 'nats://127.0.0.1:4222');
/** Each service's NATS_USER and NATS_PASSWORD, once npm start runs its own NATS. */
const natsEnv = { gateway: {}, export: {}, metadata: {} };
const s3Url = env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
/** A DATABASE_URL of the caller's is used as it is; otherwise npm start runs its own cluster in data/local/postgres. */
const databaseUrlGiven = env.DATABASE_URL !== undefined;
const issuer = env.OIDC_ISSUER ?? 'http://127.0.0.1:8081';
const gatewayUrl = `http://${env.GATEWAY_HOST ?? '127.0.0.1'}:${env.GATEWAY_PORT ?? '8080'}`;
/** The dev mail server's SMTP and web inbox ports (maildev's own defaults, or free ones when taken): mailPorts(). */
const mail = { smtp: '1025', web: '1080' };
/** How long a server may take to say it is ready before its step fails. */
const READY_TIMEOUT_MS = 90_000;

class StepFailure extends Error {}

function announce(title) {
  process.stdout.write(`\n▶ ${title}\n`);
}

/** A step that runs to completion (install, build, demo data). */
function run(title, command, args) {
  announce(title);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    const why = result.error?.message ?? `exit code ${result.status ?? result.signal}`;
    throw new StepFailure(`${title} failed (${why}; its output is above)`);
  }
}

function reachable(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const portOf = (url, fallback) => new URL(url).port || fallback;
const portOfAddress = (address) => address.split(':').at(-1);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(String(port)));
    });
    server.once('error', reject);
  });
}

/** The local users' passwords: read from data/local, or generated and kept there (readable by this user only). */
function natsPasswords(components) {
  const kept = existsSync(natsCredentialsFile) ? JSON.parse(readFileSync(natsCredentialsFile, 'utf8')) : {};
  const passwords = Object.fromEntries(
    components.map((component) => [component, kept[component] ?? randomBytes(24).toString('base64url')]),
  );
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(natsCredentialsFile, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
  chmodSync(natsCredentialsFile, 0o600);
  return passwords;
}

/**
 * NATS as production runs it: Aurora's users and permissions (@aurora/nats-access, built by then), passwords
 * from natsCredentialsFile in nats-server's environment, and each service's credentials in its own.
 */
function natsServer(port) {
  const access = require('@aurora/nats-access');
  const passwords = natsPasswords(access.NATS_COMPONENTS);
  const config = join(dataDir, 'nats.conf');
  const storeDir = join(dataDir, 'nats');
  writeFileSync(config, access.renderNatsServerConfig({ host: '127.0.0.1', port: Number(port), storeDir }), {
    mode: 0o600,
  });
  const credentials = (component) => ({
    NATS_USER: access.NATS_USERS[component],
    NATS_PASSWORD: passwords[component],
  });
  natsEnv.gateway = credentials('gateway');
  natsEnv.export = credentials('export-worker');
  natsEnv.metadata = credentials('metadata');
  return {
    name: 'nats',
    what: `NATS with JetStream on ${natsUrl} (Aurora's users and permissions)`,
    ports: [port],
    ready: /Server is ready/,
    command: 'nats-server',
    args: ['-c', config],
    env: access.natsServerEnv(passwords),
    dataDir: storeDir,
  };
}

/**
 * The internal-token keys of this machine's stack (docs/OPERATIONS.md, "Security model"): made once, kept in
 * data/local/internal-keys.json (mode 0600). The gateway and the export worker each sign with their own key;
 * metadata, query and the export worker trust the public halves.
 */
function localInternalKeys() {
  const file = join(dataDir, 'internal-keys.json');
  if (!existsSync(file)) {
    const { generateSigningKey } = require(join(root, 'libs/internal-auth/dist'));
    const keys = {
      gateway: generateSigningKey('local-gateway-1'),
      export: generateSigningKey('local-export-1'),
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  }
  const keys = JSON.parse(readFileSync(file, 'utf8'));
  const trusted = JSON.stringify({
    'aurora-gateway': { keys: [keys.gateway.publicKey] },
    'aurora-export': { keys: [keys.export.publicKey] },
  });
  return {
    trusted: { INTERNAL_TRUSTED_KEYS: trusted },
    gateway: { INTERNAL_SIGNING_KEY: JSON.stringify(keys.gateway.signingKey) },
    export: { INTERNAL_SIGNING_KEY: JSON.stringify(keys.export.signingKey), INTERNAL_TRUSTED_KEYS: trusted },
  };
}

/**
 * The servers after NATS, in start order. `ports` must be free before the server starts; `ready` is its ready line;
 * `env` adds to the environment of that server alone.
 */
function servers() {
  const keys = localInternalKeys();
  const node = (script, ...flags) => ({ command: process.execPath, args: [...flags, join(root, script)] });
  const s3Port = portOf(s3Url, '9000');
  const metrics = (port) => (env.METRICS_PORT === '0' ? [] : [env.METRICS_PORT ?? port]);
  return [
    {
      name: 's3',
      what: `embedded S3 (s3rver, signed requests only) on ${s3Url}`,
      ports: [s3Port],
      ready: /listening/i,
      // The tests' S3 (libs/testing): it checks AWS Signature V4 against S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY
      // (the services' defaults, S3RVER/S3RVER), which plain s3rver does not, and listens on loopback only.
      command: process.execPath,
      args: [
        join(root, 'libs/testing/dist/s3-server.js'),
        ...[join(dataDir, 's3'), '127.0.0.1', s3Port, env.S3_BUCKET ?? 'aurora-exports'],
      ],
      dataDir: join(dataDir, 's3'),
    },
    {
      name: 'dev-idp',
      what: `the dev identity provider on ${issuer}`,
      ports: [env.DEV_IDP_PORT ?? '8081'],
      ready: /listening/,
      ...node('tools/dev-idp/dist/main.js'),
    },
    {
      name: 'mail',
      what: `the dev mail server (maildev) with its web inbox on http://127.0.0.1:${mail.web}`,
      ports: [mail.smtp, mail.web],
      ready: /Press Ctrl\+C to stop/,
      // Every mail the stack sends lands here, whatever the address: nothing leaves the machine. Kept in
      // data/local/mail across restarts.
      command: process.execPath,
      args: [
        join(root, 'node_modules/maildev/dist/bin/maildev.js'),
        ...['--ip', '127.0.0.1', '--smtp', mail.smtp, '--web-ip', '127.0.0.1', '--web', mail.web],
        ...['--mail-directory', join(dataDir, 'mail')],
      ],
      dataDir: join(dataDir, 'mail'),
    },
    {
      name: 'metadata',
      // Its NATS: the audit trail's index (with the application database). Its SMTP: the dev mail server, for
      // the deliveries of scheduled reports, to the dev users' addresses (the dev IdP's directory file), with
      // links to the portal the gateway serves.
      env: {
        ...keys.trusted,
        ...natsEnv.metadata,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: mail.smtp,
        DIRECTORY_PATH: env.DIRECTORY_PATH ?? join(root, 'tools/dev-idp/directory.yaml'),
        PORTAL_URL: env.PORTAL_URL ?? gatewayUrl,
      },
      what: 'the metadata service',
      ports: [portOfAddress(env.METADATA_GRPC_ADDRESS ?? '127.0.0.1:50051'), ...metrics('9461')],
      ready: /metadata listening/,
      ...node('services/metadata/dist/main.js'),
    },
    {
      name: 'query',
      env: keys.trusted,
      what: 'the query service',
      ports: [portOfAddress(env.QUERY_GRPC_ADDRESS ?? '127.0.0.1:50052'), ...metrics('9462')],
      ready: /query listening/,
      ...node('services/query/dist/main.js'),
    },
    {
      name: 'gateway',
      env: { ...keys.gateway, ...natsEnv.gateway },
      what: `the gateway on ${gatewayUrl}`,
      ports: [env.GATEWAY_PORT ?? '8080', ...metrics('9463')],
      ready: /gateway listening/,
      ...node('services/gateway/dist/main.js'),
    },
    {
      name: 'export',
      env: { ...keys.export, ...natsEnv.export },
      what: 'the export worker',
      ports: metrics('9464'),
      ready: /export worker listening/,
      // As its start script runs it: a bounded heap keeps a large export's worker near 170 MB.
      ...node('services/export/dist/main.js', '--max-old-space-size=128', '--max-semi-space-size=4'),
    },
  ];
}

const children = [];
let stopping = false;

/** Stops every started server (SIGTERM, then SIGKILL after 15 s) and exits once all of them are gone. */
function stop(code) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping…\n');
  const alive = children.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of alive) child.kill('SIGTERM');
  const killer = setTimeout(() => alive.forEach((child) => child.kill('SIGKILL')), 15_000);
  Promise.all(alive.map((child) => new Promise((resolve) => child.once('exit', resolve)))).then(() => {
    clearTimeout(killer);
    process.exit(code);
  });
}

/** Starts one server and resolves when it prints its ready line; rejects with the reason it did not. */
function startServer({ name, what, command, args, ready, env: own = {} }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...env, ...own },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const lastLines = [];
    let isReady = false;
    const fail = (why) => {
      if (isReady) return;
      const tail = lastLines.length === 0 ? '' : `; its last output:\n    ${lastLines.join('\n    ')}`;
      reject(new StepFailure(`Starting ${what} failed: ${why}${tail}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        process.stdout.write(`[${name}] ${line}\n`);
        lastLines.push(line);
        if (lastLines.length > 8) lastLines.shift();
      }
      if (!isReady && ready.test(chunk.toString())) {
        isReady = true;
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!isReady) fail(`it exited (${code ?? signal}) before it was ready`);
      else if (!stopping) {
        process.stderr.write(`✖ ${name} stopped (${code ?? signal}); stopping the stack\n`);
        stop(1);
      }
    });
  });
}

async function waitForReady(url) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const status = await fetch(url).then(
      (response) => response.status,
      (error) => error.cause?.code ?? error.message,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new StepFailure(`${url} still answers ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Each service's /metrics (docs/METRICS.md): distinct default METRICS_PORTs, so the four never clash. */
function metricsUrls() {
  if (env.METRICS_PORT === '0') return 'off (METRICS_PORT=0)';
  const ports = { metadata: 9461, query: 9462, gateway: 9463, export: 9464 };
  return Object.entries(ports)
    .map(([name, port]) => `${name} http://127.0.0.1:${port}/metrics`)
    .join('\n               ');
}

/** maildev's default ports where free, else free ones: a second stack or another maildev may hold 1025/1080. */
async function mailPorts() {
  for (const key of ['smtp', 'web']) if (await reachable(mail[key])) mail[key] = await freePort();
}

/** Where batch consumers find their NATS credentials, when the NATS is npm start's own. */
function natsUsers() {
  if (natsEnv.gateway.NATS_USER === undefined) return '';
  const users = require('@aurora/nats-access').NATS_USERS;
  const file = natsCredentialsFile.slice(root.length + 1);
  return `\n  NATS users:  ${Object.values(users).join(', ')} (batch consumers: ${users['event-consumer']}, a SIEM: ${users['audit-reader']}); passwords in ${file}`;
}

function ensureNatsServer() {
  if (spawnSync('sh', ['-c', 'command -v nats-server']).status === 0) return;
  run('Installing nats-server (Debian package)', 'sh', [
    '-c',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server',
  ]);
}

/**
 * NATS_URL given and answering: that NATS, as it is (its own users; NATS_USER and NATS_PASSWORD from the caller's
 * environment, if any). Otherwise npm start runs its own with Aurora's users and permissions, on NATS_URL's port,
 * or on a free one when the default 4222 is taken (by a machine's NATS without authentication, say).
 */
async function startNats(step) {
  if (await reachable(portOf(natsUrl, '4222'))) {
    if (natsUrlGiven) {
      announce(`${step} Using the NATS already on ${natsUrl} (NATS_URL, with its own users and permissions)`);
      return;
    }
    const taken = natsUrl;
    natsUrl = env.NATS_URL = `nats://127.0.0.1:${await freePort()}`;
    process.stdout.write(
      `\n${taken} is taken: Aurora's NATS runs on ${natsUrl} (NATS_URL=${taken} uses that one)\n`,
    );
  }
  const server = natsServer(portOf(natsUrl, '4222'));
  announce(`${step} Starting ${server.what}`);
  ensureNatsServer();
  mkdirSync(server.dataDir, { recursive: true });
  await startServer(server);
}

function ensurePostgres() {
  if (require('@aurora/local-postgres').postgresBin()) return;
  run('Installing PostgreSQL (Debian package)', 'sh', [
    '-c',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql',
  ]);
}

/**
 * The application database (saved reports): DATABASE_URL as given, or a cluster of npm start's own under
 * data/local/postgres (made on first run, superuser `aurora` with a password kept in data/local, mode 0600), on
 * 127.0.0.1:5433 or a free port when that is taken. It stops with the stack.
 */
async function startPostgres(step) {
  if (databaseUrlGiven) {
    announce(`${step} Using the PostgreSQL of DATABASE_URL`);
    return;
  }
  ensurePostgres();
  const pg = require('@aurora/local-postgres');
  const port = (await reachable(5433)) ? await freePort() : '5433';
  const dir = pg.clusterDirectory(join(dataDir, 'postgres'));
  const passwordFile = join(dataDir, 'postgres-password');
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(passwordFile))
    writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  announce(`${step} Starting PostgreSQL on 127.0.0.1:${port} (${dir.replace(`${root}/`, '')})`);
  pg.initCluster(dir, password);
  await startServer({
    name: 'postgres',
    what: 'PostgreSQL',
    ready: pg.READY_LINE,
    ...pg.serverCommand(dir, Number(port)),
  });
  await pg.ensureDatabase(Number(port), password, 'aurora');
  env.DATABASE_URL = pg.databaseUrl(Number(port), password, 'aurora');
}

async function startStack() {
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  run('Building', 'npx', ['nx', 'run-many', '-t', 'build', '--output-style=static']);
  if (!existsSync(join(root, 'data', 'demo', 'warehouse.duckdb')))
    run('Generating the demo warehouse', process.execPath, [join(root, 'tools/demo-data/dist/main.js')]);

  await mailPorts();
  const total = servers().length + 2;
  await startNats(`[1/${total}]`);
  await startPostgres(`[2/${total}]`);
  for (const [index, server] of servers().entries()) {
    announce(`[${index + 3}/${total}] Starting ${server.what}`);
    for (const port of server.ports) {
      if (await reachable(port))
        throw new StepFailure(
          `Starting ${server.what} failed: port ${port} is already in use (another Aurora still running?)`,
        );
    }
    if (server.dataDir !== undefined) mkdirSync(server.dataDir, { recursive: true });
    await startServer(server);
  }
  await waitForReady(`${gatewayUrl}/api/v1/health/ready`);
  process.stdout.write(`
Aurora is running: ${gatewayUrl}
  API docs:    ${gatewayUrl}/api/docs
  Exports:     NATS ${natsUrl}, S3 ${s3Url} (bucket ${env.S3_BUCKET ?? 'aurora-exports'})${natsUsers()}
  Reports:     PostgreSQL ${env.DATABASE_URL.replace(/:[^:@/]+@/, ':…@')}${databaseUrlGiven ? '' : ' (password in data/local/postgres-password)'}
  Metrics:     ${metricsUrls()}
  Mail:        http://127.0.0.1:${mail.web} (the dev inbox: every mail Aurora sends, over SMTP 127.0.0.1:${mail.smtp})
  Sign-in:     ${issuer} (dev logins: alice/alice — analysts, bob/bob — hr, carol/carol — admins, dave/dave — sales-emea, EMEA rows only)
  A token for scripts:
    TOKEN=$(curl -s -u alice-cli:alice-cli -d grant_type=client_credentials ${issuer}/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
    curl -H "Authorization: Bearer $TOKEN" ${gatewayUrl}/api/v1/datasets
Ctrl-C stops everything.
`);
}

function main() {
  if (!runtime.isInstalled()) {
    announce('Installing dependencies (npm ci)');
    const result = runtime.installDependencies();
    if (result.status !== 0) throw new StepFailure('Installing dependencies failed (npm ci, above)');
  }
  // The machine's node may be older than `engines`: everything after the install runs on the installed Node.
  if (!runtime.isSupported(process.version)) return runtime.rerunOnInstalledNode(__filename);
  startStack().catch((error) => {
    process.stderr.write(`\n✖ ${error.message}\n`);
    stop(1);
  });
}

try {
  main();
} catch (error) {
  process.stderr.write(`\n✖ ${error instanceof StepFailure ? '' : 'npm start: '}${error.message}\n`);
  process.exit(1);
}
