import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEV_USERS } from '../src';

describe('dev-idp: the email directory file (the metadata service reads it at DIRECTORY_PATH)', () => {
  it('gives every dev user their address and groups, as DEV_USERS has them', () => {
    const file = parse(readFileSync(join(__dirname, '..', 'directory.yaml'), 'utf8')) as {
      users: Record<string, { email: string; groups: string[] }>;
    };
    const expected = Object.fromEntries(
      Object.values(DEV_USERS).map((user) => [user.sub, { email: user.email, groups: [...user.groups] }]),
    );
    expect(file.users).toEqual(expected);
    expect(Object.values(file.users).every((user) => user.email.endsWith('@aurora.localhost'))).toBe(true);
  });
});
