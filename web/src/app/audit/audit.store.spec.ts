import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AuditStore } from './audit.store';
import { NO_FILTERS, type AuditEntry } from './audit.types';

function entry(seq: number, name: string): AuditEntry {
  return {
    seq,
    id: `e${seq}`,
    time: '2026-12-07T09:00:00.000Z',
    action: 'query.preview',
    actor: { sub: 'alice', name, groups: ['analysts'] },
    clientAddress: '10.0.0.1',
    route: 'POST /api/v1/query/preview',
    target: null,
    datasets: ['global_sales'],
    columns: ['global_sales.region', 'global_sales.channel'],
    filterFingerprint: 'ab'.repeat(32),
    rows: 50,
    bytes: 900,
    durationMs: 12,
    outcome: 'ok',
    status: 200,
    errorCode: null,
    requestId: 'r1',
    traceId: null,
  };
}

function setUp() {
  TestBed.configureTestingModule({
    providers: [provideHttpClient(), provideHttpClientTesting(), AuditStore],
  });
  return { store: TestBed.inject(AuditStore), http: TestBed.inject(HttpTestingController) };
}

describe('AuditStore', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('sends only the filters set, times as ISO instants, and pages with the cursor', () => {
    const { store, http } = setUp();
    store.apply({ ...NO_FILTERS, user: ' alice ', action: 'query.preview', from: '2026-12-07T10:00' });
    const first = http.expectOne((r) => r.url === '/api/v1/audit');
    expect(first.request.params.keys().sort()).toEqual(['action', 'from', 'limit', 'user']);
    expect(first.request.params.get('user')).toBe('alice');
    expect(first.request.params.get('from')).toBe(new Date('2026-12-07T10:00').toISOString());
    first.flush({ items: [entry(2, 'Alice')], nextCursor: 'Mg' });

    store.load(true);
    const next = http.expectOne((r) => r.url === '/api/v1/audit');
    expect(next.request.params.get('cursor')).toBe('Mg');
    next.flush({ items: [entry(1, 'Alice')], nextCursor: null });
    expect(store.items().map((e) => e.seq)).toEqual([2, 1]);
    expect(store.nextCursor()).toBeNull();
  });

  it('exports every page of the filters as RFC 4180 CSV, quoting what needs it', async () => {
    const { store, http } = setUp();
    const file = store.exportCsv();
    const first = http.expectOne((r) => r.url === '/api/v1/audit');
    expect(first.request.params.get('limit')).toBe('500');
    first.flush({ items: [entry(2, 'Analyst, "Alice"')], nextCursor: 'MQ' });
    await Promise.resolve();
    http
      .expectOne((r) => r.params.get('cursor') === 'MQ')
      .flush({ items: [entry(1, 'Alice')], nextCursor: null });
    const text = await ((await file) as Blob).text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]?.startsWith('seq,time,action,outcome,status,errorCode,subject,name,')).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(',alice,"Analyst, ""Alice""",analysts,');
    expect(lines[1]).toContain(',global_sales.region global_sales.channel,');
  });
});
