import { KIND_LOOK, ago, badge, lookOf, merge, portalPath } from './notification-words';
import { aNotification } from './testing';

describe('notification words', () => {
  it('shows fired, cleared and failed schedules each their own way, and an unknown kind plainly', () => {
    const looks = Object.values(KIND_LOOK);
    expect(new Set(looks.map((l) => l.label)).size).toBe(3);
    expect(new Set(looks.map((l) => l.pill)).size).toBe(3);
    expect(new Set(looks.map((l) => l.icon)).size).toBe(3);
    expect(lookOf('alert.fired').label).toBe('Alert fired');
    expect(lookOf('alert.cleared').label).toBe('Alert cleared');
    expect(lookOf('schedule.failed').label).toBe('Schedule failed');
    expect(lookOf('export.done').label).toBe('Notification');
  });

  it('places a new notification by its time and replaces a known one', () => {
    const older = aNotification({ id: 'old', createdAt: '2027-03-26T09:00:00.000Z' });
    const newer = aNotification({ id: 'new', createdAt: '2027-03-26T11:00:00.000Z' });
    const middle = aNotification({ id: 'mid', createdAt: '2027-03-26T10:00:00.000Z' });
    expect(merge([newer, older], middle).map((n) => n.id)).toEqual(['new', 'mid', 'old']);
    expect(merge([newer], older).map((n) => n.id)).toEqual(['new', 'old']);
    const read = { ...older, readAt: '2027-03-26T12:00:00.000Z' };
    expect(merge([newer, older], read)).toEqual([newer, read]);
  });

  it('follows portal paths only', () => {
    expect(portalPath('/reports/r1')).toBe('/reports/r1');
    expect(portalPath('//evil.example/x')).toBeNull();
    expect(portalPath('https://evil.example/x')).toBeNull();
    expect(portalPath('javascript:alert(1)')).toBeNull();
  });

  it('counts up to 99 on the badge and says how long ago', () => {
    expect([0, 7, 99, 100].map(badge)).toEqual(['0', '7', '99', '99+']);
    const now = Date.parse('2027-03-26T10:00:00.000Z');
    expect(ago('2027-03-26T09:59:30.000Z', now)).toBe('just now');
    expect(ago('2027-03-26T09:55:00.000Z', now)).toBe('5 min ago');
    expect(ago('2027-03-26T07:00:00.000Z', now)).toBe('3 h ago');
  });
});
