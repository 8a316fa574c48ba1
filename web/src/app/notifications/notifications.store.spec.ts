import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { apiInterceptor } from '../api';
import { NotificationsStore } from './notifications.store';
import { aNotification } from './testing';

function setUp() {
  TestBed.configureTestingModule({
    providers: [provideHttpClient(withInterceptors([apiInterceptor])), provideHttpClientTesting()],
  });
  return { store: TestBed.inject(NotificationsStore), http: TestBed.inject(HttpTestingController) };
}

const event = (name: string, data: unknown) => ({ event: name, data: JSON.stringify(data), id: '' });

describe('NotificationsStore', () => {
  it('loads the first page and the unread count of all notifications', async () => {
    const { store, http } = setUp();
    const loaded = store.reload();
    const request = http.expectOne((r) => r.url === '/api/v1/notifications');
    expect(request.request.params.get('limit')).toBe('20');
    request.flush({ items: [aNotification()], nextCursor: 'c2', unread: 31 });
    await loaded;
    expect(store.items().map((n) => n.id)).toEqual(['n1']);
    expect(store.unread()).toBe(31);
    expect(store.hasMore()).toBe(true);
    const more = store.more();
    const next = http.expectOne((r) => r.url === '/api/v1/notifications' && r.params.get('cursor') === 'c2');
    next.flush({
      items: [aNotification({ id: 'n0', createdAt: '2027-03-25T10:00:00.000Z' })],
      nextCursor: null,
      unread: 31,
    });
    await more;
    expect(store.items().map((n) => n.id)).toEqual(['n1', 'n0']);
    expect(store.hasMore()).toBe(false);
  });

  it('adds a streamed notification once, counting it unread, and remembers it as the latest', () => {
    const { store } = setUp();
    const fired = aNotification({ id: 'n2', createdAt: '2027-03-26T11:00:00.000Z' });
    store.receive(event('notification', fired));
    store.receive(event('notification', fired)); // sent again after a reconnection
    store.receive(
      event(
        'notification',
        aNotification({ id: 'n3', kind: 'alert.cleared', readAt: '2027-03-26T12:00:00.000Z' }),
      ),
    );
    expect(store.items().map((n) => n.id)).toEqual(['n2', 'n3']);
    expect(store.unread()).toBe(1);
    expect(store.latest()?.id).toBe('n3');
  });

  it('keeps vintage events apart and ignores events it does not know or cannot read', () => {
    const { store } = setUp();
    const arrived: string[] = [];
    store.vintages.subscribe((v) => arrived.push(v.dataset));
    store.receive(
      event('vintage', { dataset: 'global_sales', loadType: 'DAILY', loadId: '2027-03-26', arrivedAt: 'x' }),
    );
    store.receive(event('something', { id: 'z' }));
    store.receive({ event: 'notification', data: 'not json', id: '' });
    expect(arrived).toEqual(['global_sales']);
    expect(store.items()).toEqual([]);
    expect(store.unread()).toBe(0);
  });

  it('marks one read (the count goes down once) and all read', async () => {
    const { store, http } = setUp();
    store.receive(event('notification', aNotification({ id: 'a' })));
    store.receive(event('notification', aNotification({ id: 'b', kind: 'schedule.failed', alertId: null })));
    expect(store.unread()).toBe(2);
    const read = store.markRead(store.items()[0] ?? aNotification());
    http
      .expectOne({ method: 'POST', url: '/api/v1/notifications/a/read' })
      .flush(aNotification({ id: 'a', readAt: '2027-03-26T12:00:00.000Z' }));
    await read;
    expect(store.unread()).toBe(1);
    await store.markRead(store.items()[0] ?? aNotification());
    http.expectNone('/api/v1/notifications/a/read');
    const all = store.markAllRead();
    http.expectOne({ method: 'POST', url: '/api/v1/notifications/read-all' }).flush({ updated: 1 });
    await all;
    expect(store.unread()).toBe(0);
    expect(store.items().every((n) => n.readAt !== null)).toBe(true);
  });
});
