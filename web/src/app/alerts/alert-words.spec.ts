import {
  conditionInWords,
  nextCheckInWords,
  percentWord,
  rowInWords,
  transitionWord,
  valueInWords,
} from './alert-words';
import { aCheck, anAlert } from './testing';

describe('alert words', () => {
  it('says each condition in a sentence', () => {
    expect(
      conditionInWords({
        kind: 'threshold',
        measure: 'total',
        op: '<',
        value: 1_000_000,
        row: { 'global_sales.region': 'EMEA' },
      }),
    ).toBe('total < 1,000,000 for region EMEA');
    expect(conditionInWords({ kind: 'rowCount', op: '>', value: 100 })).toBe('row count > 100');
    expect(
      conditionInWords({
        kind: 'change',
        measure: 'total',
        against: 'previousPeriod',
        percent: 10,
        direction: 'down',
      }),
    ).toBe('total falls by more than 10 % against the previous period for any row');
    expect(conditionInWords({ kind: 'outlier', measure: 'orders', vintages: 6, zScore: 3 })).toBe(
      'orders is an outlier (|z| ≥ 3 over the last 6 vintages) for any row',
    );
  });

  it('writes the numbers of a check: signed change, z-score, an empty key', () => {
    expect(percentWord(-9.74)).toBe('−9.7 %');
    expect(percentWord(4.2)).toBe('+4.2 %');
    expect(percentWord(null)).toBe('–');
    expect(rowInWords({ 'global_sales.region': null, order_month: '2026-11-01' })).toBe(
      'region (empty), order_month 2026-11-01',
    );
    expect(
      valueInWords({
        row: { 'global_sales.region': 'EMEA' },
        measure: 'total',
        value: 812345.5,
        previous: 900000,
        changePercent: -9.7,
        mean: 880000,
        stdDev: 20000,
        zScore: -3.38,
        vintage: '2026-11-30',
      }),
    ).toBe('region EMEA · total 812,345.5 (previous 900,000, −9.7 %, z -3.38)');
  });

  it('names a transition only when the state changed', () => {
    expect(transitionWord(aCheck({ transition: 'fired' }))).toBe('Fired');
    expect(transitionWord(aCheck({ transition: 'cleared' }))).toBe('Cleared');
    expect(transitionWord(aCheck())).toBe('');
  });

  it('says when the next check is, in the alert’s zone', () => {
    expect(nextCheckInWords(anAlert())).toBe('next check Mon, 29 Mar 2027, 07:00 CEST');
    expect(nextCheckInWords(anAlert({ paused: true }))).toBe('no checks while paused');
    expect(nextCheckInWords(anAlert({ trigger: { onVintage: true } }))).toBe(
      'next check at the next vintage',
    );
  });
});
