import type { Query, Vintages } from '../api';
import { fingerprint, onNewest, resolveVintages, toReportBody, vintageMode } from './report-mapping';
import type { ReportLayout } from './report.types';

const EMPTY_LAYOUT: ReportLayout = { columns: [], hidden: [], sort: [] };

const VINTAGES: Vintages = { loadTypes: [{ loadType: 'MONTHLY', loadIds: ['2026-10-31', '2026-09-30'] }] };
const QUERY: Query = {
  dataset: 'global_sales',
  vintages: { global_sales: { loadType: 'MONTHLY', loadId: '2026-09-30' } },
  columns: ['global_sales.region'],
  page: { number: 2, size: 50 },
};
const META = { name: 'EMEA', description: '', folder: 'Monthly' };

describe('toReportBody', () => {
  it('moves the vintages out of the query as "latest" policies, and drops paging', () => {
    const body = toReportBody(META, QUERY, 'latest', EMPTY_LAYOUT);
    expect(body.query).toEqual({ dataset: 'global_sales', columns: ['global_sales.region'] });
    expect(body.vintages).toEqual({ global_sales: { policy: 'latest', loadType: 'MONTHLY' } });
    expect(body.folder).toBe('Monthly');
  });

  it('pins the vintage on screen', () => {
    expect(toReportBody(META, QUERY, 'pinned', EMPTY_LAYOUT).vintages).toEqual({
      global_sales: { policy: 'pinned', loadType: 'MONTHLY', loadId: '2026-09-30' },
    });
  });
});

describe('resolveVintages', () => {
  it('opens "latest" on the newest Load ID and "pinned" on its own', () => {
    const query = { dataset: 'global_sales', columns: ['global_sales.region'] };
    expect(
      resolveVintages(
        { query, vintages: { global_sales: { policy: 'latest', loadType: 'MONTHLY' } } },
        { global_sales: VINTAGES },
      ).vintages,
    ).toEqual({
      global_sales: { loadType: 'MONTHLY', loadId: '2026-10-31' },
    });
    expect(
      resolveVintages(
        { query, vintages: { global_sales: { policy: 'pinned', loadType: 'MONTHLY', loadId: 7 } } },
        {},
      ).vintages,
    ).toEqual({
      global_sales: { loadType: 'MONTHLY', loadId: '7' },
    });
  });

  it('leaves out a "latest" Load Type that has no load: the explorer then asks for a vintage', () => {
    const query = { dataset: 'global_sales' };
    expect(
      resolveVintages(
        { query, vintages: { global_sales: { policy: 'latest', loadType: 'DAILY' } } },
        { global_sales: VINTAGES },
      ),
    ).toEqual(query);
  });

  it('round-trips: a saved "latest" opens on the newest vintage', () => {
    const body = toReportBody(META, QUERY, 'latest', EMPTY_LAYOUT);
    const opened = resolveVintages(body, { global_sales: VINTAGES });
    expect(vintageMode(body.vintages)).toBe('latest');
    expect(onNewest(opened, { global_sales: VINTAGES })).toBe(true);
    expect(onNewest(QUERY, { global_sales: VINTAGES })).toBe(false);
  });
});

describe('fingerprint', () => {
  const columns = [
    { ref: 'global_sales.region', dataset: 'global_sales', label: 'Region', type: 'string' as const },
  ];
  const ready = { kind: 'ready' as const, query: QUERY };

  it('changes with the query and with the widths of shown columns only', () => {
    const base = fingerprint(ready, columns, {});
    expect(fingerprint(ready, columns, { 'global_sales.amount': 99 })).toBe(base);
    expect(fingerprint(ready, columns, { 'global_sales.region': 99 })).not.toBe(base);
    expect(fingerprint({ kind: 'ready', query: { ...QUERY, columns: [] } }, columns, {})).not.toBe(base);
  });
});
