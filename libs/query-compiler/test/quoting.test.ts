import { rememberQuoting } from '../src/quoting';

/** A quoting function that counts its calls and refuses names holding `"`. */
function counted() {
  let calls = 0;
  const quote = rememberQuoting((name) => {
    calls += 1;
    if (name.includes('"')) throw new Error(`refused ${name}`);
    return `"${name}"`;
  });
  return { quote, calls: () => calls };
}

describe('rememberQuoting', () => {
  it('quotes each name once and answers as the dialect does', () => {
    const { quote, calls } = counted();

    expect([quote('region'), quote('amount'), quote('region')]).toEqual(['"region"', '"amount"', '"region"']);
    expect(calls()).toBe(2);
  });

  it('refuses a refused name every time', () => {
    const { quote, calls } = counted();

    expect(() => quote('a"b')).toThrow('refused a"b');
    expect(() => quote('a"b')).toThrow('refused a"b');
    expect(calls()).toBe(2);
  });

  it('starts afresh after 10,000 names, still answering right', () => {
    const { quote, calls } = counted();

    for (let i = 0; i <= 10_000; i++) quote(`name_${i}`);
    expect(quote('name_0')).toBe('"name_0"');

    expect(calls()).toBe(10_002);
  });
});
