import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ExplorerStore } from '../state/explorer.store';
import { ChartView } from './chart-view';
import { ViewToggleComponent } from './view-toggle.component';

describe('ViewToggleComponent', () => {
  function render() {
    TestBed.configureTestingModule({
      imports: [ViewToggleComponent],
      providers: [ExplorerStore, ChartView, provideHttpClient(), provideHttpClientTesting()],
    });
    const fixture = TestBed.createComponent(ViewToggleComponent);
    fixture.detectChanges();
    const host = fixture.nativeElement as HTMLElement;
    const button = (mode: string): HTMLButtonElement => {
      const found = host.querySelector<HTMLButtonElement>(`[data-testid="view-${mode}"]`);
      if (!found) throw new Error(`no ${mode} button`);
      return found;
    };
    return { fixture, chart: TestBed.inject(ChartView), button };
  }

  it('shows the grid first, and switches the view to the chart and back', () => {
    const { fixture, chart, button } = render();
    expect(button('grid').getAttribute('aria-pressed')).toBe('true');
    expect(button('chart').getAttribute('aria-pressed')).toBe('false');

    button('chart').click();
    fixture.detectChanges();
    expect(chart.mode()).toBe('chart');
    expect(button('chart').getAttribute('aria-pressed')).toBe('true');

    button('grid').click();
    fixture.detectChanges();
    expect(chart.mode()).toBe('grid');
  });
});
