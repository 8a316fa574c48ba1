import { Client } from 'pg';
import { verifyChain } from './audit/verify-chain';

/**
 * `npm run audit:verify`: walks the audit trail's hash chain in DATABASE_URL. Exit 0 when intact, 1 naming the
 * first row that does not verify, 2 when it cannot run.
 */
async function main(): Promise<number> {
  const url = process.env['DATABASE_URL'];
  if (!url) {
    console.error("audit:verify needs DATABASE_URL (the metadata service's application database).");
    return 2;
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows, broken } = await verifyChain(client);
    if (broken) {
      console.error(
        `audit chain BROKEN at row seq=${broken.seq}: ${broken.reason} (${rows} rows before it verify)`,
      );
      return 1;
    }
    console.log(`audit chain intact: ${rows} rows verified`);
    return 0;
  } finally {
    await client.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`audit:verify failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
