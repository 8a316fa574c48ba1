import { ENDLESS_AGGREGATE, openMemory } from './support';

describe('estimateCost', () => {
  it('reports the engine estimate of the biggest step, without running the statement', async () => {
    const db = await openMemory(1);
    try {
      const started = performance.now();
      const huge = await db.estimateCost({ sql: ENDLESS_AGGREGATE, params: [] });
      expect(performance.now() - started).toBeLessThan(5_000); // the statement itself would take minutes
      expect(huge).toBeGreaterThanOrEqual(1e10);

      const small = await db.estimateCost({
        sql: 'SELECT range FROM range(1000) WHERE range > $1',
        params: [10],
      });
      expect(small).toBeGreaterThan(0);
      expect(small).toBeLessThanOrEqual(1000);
    } finally {
      await db.close();
    }
  });
});
