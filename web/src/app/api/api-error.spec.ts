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

  it('never shows raw bodies for unknown errors', () => {
    expect(toApiError(502, '<html>bad gateway</html>').detail).toBe(
      'The server answered with an unexpected error (502).',
    );
  });
});
