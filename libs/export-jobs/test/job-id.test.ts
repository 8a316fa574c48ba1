import { isJobId, newJobId } from '../src';

const AN_ID = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';

describe('job ids', () => {
  it('are what isJobId accepts, each new one different', () => {
    const ids = Array.from({ length: 100 }, newJobId);

    expect(ids.every(isJobId)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(isJobId(AN_ID)).toBe(true);
  });

  it.each([
    ['a NATS wildcard', '*'],
    ['a NATS tail wildcard', '>'],
    ['a key with a leading dot', `.${AN_ID}`],
    ['a key with a trailing dot', `${AN_ID}.`],
    ['a space', `${AN_ID.slice(0, 35)} `],
    ['a colon', `${AN_ID.slice(0, 35)}:`],
    ['a NUL', `${AN_ID.slice(0, 35)}\u0000`],
    ['non-ASCII', `${AN_ID.slice(0, 35)}é`],
    ['upper case', AN_ID.toUpperCase()],
    ['5,000 characters', 'a'.repeat(5_000)],
    ['nothing', ''],
  ])('refuses %s', (_case, id) => {
    expect(isJobId(id)).toBe(false);
  });
});
