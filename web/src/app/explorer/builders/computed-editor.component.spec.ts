import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { apiInterceptor } from '../../api/api.interceptor';
import { ComputedEditorComponent } from './computed-editor.component';
import { all, click, one, type } from './builder-testing';
import { ExplorerStore } from '../state/explorer.store';
import { selectDataset, setVintage, toQuery } from '../state/query-state';
import { sales } from '../testing';

async function open() {
  TestBed.configureTestingModule({
    imports: [ComputedEditorComponent],
    providers: [
      ExplorerStore,
      provideHttpClient(withInterceptors([apiInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  const store = TestBed.inject(ExplorerStore);
  store.detail.set(sales());
  store.view.set(setVintage(selectDataset(sales()), 'DAILY', '2026-11-20'));
  const fixture = TestBed.createComponent(ComputedEditorComponent);
  let closed = 0;
  fixture.componentInstance.closed.subscribe(() => (closed += 1));
  await fixture.whenStable();
  const http = TestBed.inject(HttpTestingController);
  return { fixture, store, http, closed: () => closed };
}

async function write(fixture: Awaited<ReturnType<typeof open>>['fixture'], expr: string) {
  const area = one(fixture, 'computed-expr') as unknown as HTMLTextAreaElement;
  area.value = expr;
  area.setSelectionRange(expr.length, expr.length);
  area.dispatchEvent(new Event('input'));
  await fixture.whenStable();
}

describe('ComputedEditorComponent', () => {
  afterEach(() => {
    const http = TestBed.inject(HttpTestingController);
    http.match((request) => request.url === '/api/v1/query/count');
    http.verify();
  });

  it('completes column references as the expression is typed', async () => {
    const { fixture } = await open();
    await write(fixture, 'round(amo');
    expect(all(fixture, 'computed-suggestion').map((b) => b.textContent.trim())).toEqual([
      'global_sales.amount',
    ]);
    await click(fixture, 'computed-suggestion');
    expect(one(fixture, 'computed-expr').value).toBe('round(global_sales.amount');
  });

  it('asks the server for one row of the column, then adds it with the type the server gives', async () => {
    const { fixture, store, http, closed } = await open();
    await type(fixture, 'computed-name', 'margin');
    await write(fixture, 'global_sales.amount * 2');
    await click(fixture, 'computed-add');

    const check = http.expectOne('/api/v1/query/preview');
    expect(check.request.body).toMatchObject({
      dataset: 'global_sales',
      computed: [{ as: 'margin', expr: 'global_sales.amount * 2' }],
      columns: ['margin'],
      page: { number: 1, size: 1 },
    });
    check.flush({
      columns: [{ name: 'margin', label: 'Margin', type: 'number' }],
      rows: [],
      page: { number: 1, size: 1 },
      hasMore: false,
      elapsedMs: 1,
    });
    await fixture.whenStable();

    const readiness = toQuery(store.view(), store.details());
    expect(readiness.kind === 'ready' && readiness.query.computed).toEqual([
      { as: 'margin', expr: 'global_sales.amount * 2' },
    ]);
    expect(store.sourceSchema().at(-1)).toMatchObject({ ref: 'margin', type: 'number' });
    expect(closed()).toBe(1);
  });

  it("shows the server's message, with its position, and adds nothing", async () => {
    const { fixture, store, http, closed } = await open();
    await type(fixture, 'computed-name', 'margin');
    await write(fixture, 'amout + 1');
    await click(fixture, 'computed-add');

    http
      .expectOne('/api/v1/query/preview')
      .flush(
        { code: 'INVALID_QUERY', detail: 'unknown column `amout` at 1:1', path: 'computed[0].expr' },
        { status: 400, statusText: 'Bad Request' },
      );
    await fixture.whenStable();

    expect(one(fixture, 'computed-error').textContent).toContain('unknown column `amout` at 1:1');
    expect(store.view().computed ?? []).toEqual([]);
    expect(closed()).toBe(0);
  });

  it('refuses a name that is not an identifier before asking the server', async () => {
    const { fixture } = await open();
    await type(fixture, 'computed-name', 'bad name');
    await write(fixture, '1');
    await click(fixture, 'computed-add');
    expect(one(fixture, 'computed-error').textContent).toContain('letters, digits and _');
  });
});
