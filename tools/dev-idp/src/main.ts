import { startDevIdp } from './dev-idp';
import { optionsFromEnv } from './options';

/** `node dist/main.js`: starts the dev IdP from the environment and stops it on SIGINT / SIGTERM. */
async function main(): Promise<void> {
  const idp = await startDevIdp(optionsFromEnv());

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    idp.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('dev-idp failed to stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Only once the signal handlers are in place: whoever waits for this line may signal right away.
  process.stdout.write(`dev-idp listening on ${idp.issuer}\n`);
}

main().catch((error: unknown) => {
  console.error('dev-idp failed to start:', error);
  process.exit(1);
});
