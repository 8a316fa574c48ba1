import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { apiInterceptor } from '../api';
import { NotificationBellComponent } from './notification-bell.component';
import { NotificationsStore } from './notifications.store';
import { aNotification } from './testing';

function render() {
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      provideHttpClient(withInterceptors([apiInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  const fixture = TestBed.createComponent(NotificationBellComponent);
  fixture.detectChanges();
  // Signed out, the store has emptied itself (its effect): what a signed-in session would have loaded.
  const store = TestBed.inject(NotificationsStore);
  store.items.set([
    aNotification({ id: 'f', kind: 'alert.fired' }),
    aNotification({ id: 's', kind: 'schedule.failed', alertId: null, title: 'Schedule failed' }),
    aNotification({ id: 'c', kind: 'alert.cleared', readAt: '2027-03-26T11:00:00.000Z' }),
  ]);
  store.unread.set(2);
  fixture.detectChanges();
  const root = fixture.nativeElement as HTMLElement;
  const click = (selector: string): void => {
    root.querySelector<HTMLElement>(selector)?.click();
    fixture.detectChanges();
  };
  return { fixture, store, root, click, http: TestBed.inject(HttpTestingController) };
}

describe('NotificationBellComponent', () => {
  it('shows the unread count and, opened, each kind its own way with the unread ones marked', () => {
    const { root, click } = render();
    expect(root.querySelector('[data-testid=bell-count]')?.textContent.trim()).toBe('2');
    expect(root.querySelector('[data-testid=bell]')?.getAttribute('aria-label')).toBe(
      'Notifications, 2 unread',
    );
    expect(root.querySelector('[data-testid=bell-panel]')).toBeNull();
    click('[data-testid=bell]');
    const items = [...root.querySelectorAll<HTMLElement>('[data-testid=notification]')];
    expect(items.map((i) => [i.dataset['kind'], i.dataset['unread']])).toEqual([
      ['alert.fired', 'true'],
      ['schedule.failed', 'true'],
      ['alert.cleared', 'false'],
    ]);
    expect(items.map((i) => i.querySelector('[data-testid=notification-kind]')?.textContent.trim())).toEqual([
      'Alert fired',
      'Schedule failed',
      'Alert cleared',
    ]);
    expect(items[2]?.querySelector('[data-testid=notification-read]')).toBeNull();
  });

  it('opens the report, marking the notification read, and closes', async () => {
    const { root, click, http, store, fixture } = render();
    const router = TestBed.inject(Router);
    const navigate = vi.spyOn(router, 'navigateByUrl').mockResolvedValue(true);
    click('[data-testid=bell]');
    click('[data-testid=notification-link]');
    http
      .expectOne({ method: 'POST', url: '/api/v1/notifications/f/read' })
      .flush(aNotification({ id: 'f', readAt: '2027-03-26T12:00:00.000Z' }));
    await vi.waitFor(() => expect(store.unread()).toBe(1));
    expect(navigate).toHaveBeenCalledWith('/reports/r1');
    fixture.detectChanges();
    expect(root.querySelector('[data-testid=bell-panel]')).toBeNull();
    expect(root.querySelector('[data-testid=bell-count]')?.textContent.trim()).toBe('1');
  });

  it('closes on a click outside and on Escape', () => {
    const { root, click, fixture } = render();
    click('[data-testid=bell]');
    document.body.click();
    fixture.detectChanges();
    expect(root.querySelector('[data-testid=bell-panel]')).toBeNull();
    click('[data-testid=bell]');
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    fixture.detectChanges();
    expect(root.querySelector('[data-testid=bell-panel]')).toBeNull();
  });
});
