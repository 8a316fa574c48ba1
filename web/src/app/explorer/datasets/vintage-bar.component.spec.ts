import { TestBed } from '@angular/core/testing';
import { choose, click } from '../builders/builder-testing';
import { VintageBarComponent } from './vintage-bar.component';

describe('VintageBarComponent: Compare vintages', () => {
  async function bar(compareWith: { loadType: string | null; loadId: string | null } | null) {
    TestBed.configureTestingModule({ imports: [VintageBarComponent] });
    const fixture = TestBed.createComponent(VintageBarComponent);
    fixture.componentRef.setInput('vintages', {
      loadTypes: [
        { loadType: 'DAILY', loadIds: ['2026-11-20', '2026-11-19'] },
        { loadType: 'MONTHLY', loadIds: ['2026-10-31'] },
      ],
    });
    fixture.componentRef.setInput('loadType', 'DAILY');
    fixture.componentRef.setInput('loadId', '2026-11-20');
    fixture.componentRef.setInput('compareWith', compareWith);
    const emitted: unknown[] = [];
    fixture.componentInstance.compareChanged.subscribe((event) => emitted.push(event));
    await fixture.whenStable();
    return { fixture, emitted, host: fixture.nativeElement as HTMLElement };
  }

  it('starts comparing from the same Load Type, leaving the Load ID to choose', async () => {
    const { fixture, emitted, host } = await bar(null);
    expect(host.querySelector('[data-testid="compare-load-id"]')).toBeNull();

    await click(fixture, 'compare-vintages');

    expect(emitted).toEqual([{ loadType: 'DAILY', loadId: null }]);
  });

  it('offers the Load IDs of the chosen type and emits the target; unchecking stops comparing', async () => {
    const { fixture, emitted, host } = await bar({ loadType: 'DAILY', loadId: null });
    const ids = [...host.querySelectorAll('[data-testid="compare-load-id"] option')].map((o) =>
      o.textContent.trim(),
    );
    expect(ids).toEqual(['Choose…', '2026-11-20', '2026-11-19']);

    await choose(fixture, 'compare-load-id', '2026-11-19');
    await click(fixture, 'compare-vintages');

    expect(emitted).toEqual([{ loadType: 'DAILY', loadId: '2026-11-19' }, null]);
  });
});
