import { startExportWorker, startNats, type RunningNats } from '@aurora/testing';

/**
 * docs/OPERATIONS.md, "NATS permissions": a worker NATS refuses stops at start, naming the setting to fix. (Workers
 * with their credentials run in every other test of this folder.)
 */

let nats: RunningNats;

beforeAll(async () => {
  nats = await startNats();
});
afterAll(() => nats.remove());

describe('an export worker on a NATS that requires credentials', () => {
  it('does not start without NATS_PASSWORD, and says so', async () => {
    const started = startExportWorker({ NATS_URL: nats.url, METRICS_PORT: '0' });
    await expect(started).rejects.toThrow(
      /requires credentials and NATS_PASSWORD is not set \(the password of NATS_USER \\"aurora-export\\"\)/,
    );
  });

  it('does not start with a wrong NATS_PASSWORD, and says so', async () => {
    const env = { ...nats.env('export-worker'), NATS_PASSWORD: 'not-the-password', METRICS_PORT: '0' };
    await expect(startExportWorker(env)).rejects.toThrow(
      /refused user \\"aurora-export\\" \(NATS_USER\) with the password in NATS_PASSWORD/,
    );
  });
});
