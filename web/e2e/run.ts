/**
 * `npm run e2e:ci -w @aurora/web` (part of `npm test`): starts the real stack on free ports and runs the browser
 * scenarios of explorer.e2e.ts in Debian's headless Chromium. `--serve` only starts the stack and keeps it up
 * (for working on the app); Ctrl-C stops it. `--reports`, `--governance` and `--dashboards` run only the
 * saved-report and schedule, the access-policy and audit, or the dashboard scenarios, on a smaller warehouse.
 */
import { existsSync } from 'node:fs';
import { CHROMIUM, runScenarios } from './explorer.e2e';
import { startE2eStack } from './stack';

async function main(): Promise<void> {
  const serve = process.argv.includes('--serve');
  const only = (['reports', 'governance', 'dashboards'] as const).find((name) =>
    process.argv.includes(`--${name}`),
  );
  if (!serve && !existsSync(CHROMIUM)) {
    console.warn(
      `\n!!!!!!!!\n!!! SKIPPED: the browser end-to-end tests need Chromium at ${CHROMIUM} ` +
        `(apt-get install chromium; CI installs it). Nothing in the browser was tested.\n!!!!!!!!\n`,
    );
    return;
  }
  const started = performance.now();
  const stack = await startE2eStack({
    salesRows: only ? 100_000 : 3_000_000,
    tokenTtlSeconds: 40,
  });
  console.log(`stack up in ${((performance.now() - started) / 1000).toFixed(1)} s: ${stack.baseUrl}`);
  if (serve) {
    console.log(`app ${stack.baseUrl}  api ${stack.apiUrl}  idp ${stack.idpUrl}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await stack.stop();
    return;
  }
  try {
    await runScenarios(stack, only);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
