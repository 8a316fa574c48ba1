import { ATTRIBUTE_LIMITS, principalAttributes } from '@aurora/proto';

/** A token's claims become the attributes row policies read (`claims.regions`): only data-like claims, bounded. */
describe('principalAttributes', () => {
  it('takes every other claim as a list of strings, never who or how the token was issued', () => {
    expect(
      principalAttributes({
        iss: 'https://idp',
        sub: 'dave',
        aud: 'aurora-api',
        exp: 1,
        iat: 1,
        name: 'Dave',
        groups: ['sales-emea'],
        client_id: 'dave-cli',
        scope: 'openid',
        regions: ['EMEA', 'APAC'],
        cost_centre: 4711,
        manager: true,
        country: 'DE',
      }),
    ).toEqual({ regions: ['EMEA', 'APAC'], cost_centre: ['4711'], manager: ['true'], country: ['DE'] });
  });

  it('leaves out what is not a scalar or a list of them, and what is too big: a policy naming it matches nothing', () => {
    const tooMany = Array.from({ length: ATTRIBUTE_LIMITS.values + 1 }, (_, i) => `r${i}`);
    expect(
      principalAttributes({
        nested: { a: 1 },
        mixed: ['EMEA', { a: 1 }],
        empty: null,
        long: 'x'.repeat(ATTRIBUTE_LIMITS.valueLength + 1),
        many: tooMany,
        'not-a-name': ['x'],
        ok: [],
      }),
    ).toEqual({ ok: [] });
  });

  it(`keeps at most ${ATTRIBUTE_LIMITS.claims} claims`, () => {
    const claims = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`c${i}`, 'v']));
    expect(Object.keys(principalAttributes(claims))).toHaveLength(ATTRIBUTE_LIMITS.claims);
  });
});
