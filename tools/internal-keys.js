// `npm run internal-keys -- <dir> [--trust-also <old trusted.json>]`: a new set of internal-token keys, as the
// files of the Secret the chart reads (docs/OPERATIONS.md, "Security model"): gateway.jwk and export.jwk
// (private, each signer's own) and trusted.json (the public keys per issuer). During a rotation, --trust-also
// keeps the keys of the set being replaced trusted as well.
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { randomBytes } = require('node:crypto');
const { join } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'libs/internal-auth/dist');
if (!existsSync(dist)) {
  process.stderr.write('libs/internal-auth is not built: run `npm run build` first\n');
  process.exit(1);
}
const { generateSigningKey, ISSUERS } = require(dist);

const [dir, option, oldTrusted] = process.argv.slice(2);
if (!dir || (option !== undefined && (option !== '--trust-also' || !oldTrusted))) {
  process.stderr.write('usage: npm run internal-keys -- <dir> [--trust-also <old trusted.json>]\n');
  process.exit(2);
}
// Dated, and unique even for two sets made the same day (a rotation's old and new kid must differ).
const stamp = `${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
const gateway = generateSigningKey(`gateway-${stamp}`);
const exporter = generateSigningKey(`export-${stamp}`);
const previous = oldTrusted ? JSON.parse(readFileSync(oldTrusted, 'utf8')) : {};
const newOnly = {
  [ISSUERS.gateway]: { keys: [gateway.publicKey] },
  [ISSUERS.export]: { keys: [exporter.publicKey] },
};
const trusted = {
  [ISSUERS.gateway]: { keys: [gateway.publicKey, ...(previous[ISSUERS.gateway]?.keys ?? [])] },
  [ISSUERS.export]: { keys: [exporter.publicKey, ...(previous[ISSUERS.export]?.keys ?? [])] },
};
mkdirSync(dir, { recursive: true });
const write = (name, value) => writeFileSync(join(dir, name), JSON.stringify(value), { mode: 0o600 });
write('gateway.jwk', gateway.signingKey);
write('export.jwk', exporter.signingKey);
write('trusted.json', trusted);
// The last step of a rotation trusts the new keys alone (no service reads this file from the Secret).
if (oldTrusted) write('trusted-after-rotation.json', newOnly);
process.stdout.write(
  `Wrote ${dir}/gateway.jwk, export.jwk and trusted.json (kids gateway-${stamp}, export-${stamp}).\n` +
    `  kubectl -n aurora create secret generic aurora-internal-keys --from-file=${dir}\n`,
);
