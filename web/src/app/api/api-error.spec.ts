import { toApiError } from './api-error';

describe('toApiError', () => {
  it('keeps the detail of a problem+json body', () => {
    const error = toApiError(400, {
      title: 'Partition filter required',
      status: 400,
      code: 'PARTITION_FILTER_REQUIRED',
      detail: 'global_sales is partitioned: choose a Load Type and Load ID first.',
    });
    expect(error.code).toBe('PARTITION_FILTER_REQUIRED');
    expect(error.message).toBe('global_sales is partitioned: choose a Load Type and Load ID first.');
  });

  it("says when a quota resets in the person's own time", () => {
    const resetsAt = '2026-12-08T00:00:00.000Z';
    const error = toApiError(429, {
      status: 429,
      code: 'QUOTA_EXCEEDED',
      detail:
        'Your exports have written 2,000 rows today, your daily limit of 1,500; you can export again after midnight UTC.',
      quota: 'exportRowsPerDay',
      resetsAt,
    });
    const local = new Date(resetsAt).toLocaleString(undefined, {
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    expect(error.detail).toBe(
      `Your exports have written 2,000 rows today, your daily limit of 1,500; you can export again after midnight UTC. (That is ${local} your time.)`,
    );
    // A slot that frees when one of the person's own queries ends has no time to show.
    const slots = toApiError(429, {
      code: 'QUOTA_EXCEEDED',
      detail: 'You already have 8 queries running.',
      resetsAt: null,
    });
    expect(slots.detail).toBe('You already have 8 queries running.');
  });

  it('keeps the path of the problem, for the form to show it at its field', () => {
    const error = toApiError(400, {
      code: 'INVALID_QUERY',
      detail: 'must be an https:// URL',
      path: 'deliveries[1].webhook.url',
    });
    expect(error.path).toBe('deliveries[1].webhook.url');
    expect(toApiError(503, { code: 'UNAVAILABLE', detail: 'down' }).path).toBeUndefined();
  });

  it('never shows raw bodies for unknown errors', () => {
    expect(toApiError(502, '<html>bad gateway</html>').detail).toBe(
      'The server answered with an unexpected error (502).',
    );
  });
});
