import { strokesFirst } from '../src/paint-order';

const text = (order: string) =>
  `<svg><text x="1"${order} fill="#333" stroke="#fff" stroke-width="2">EMEA: 44%</text></svg>`;

describe('strokesFirst: paint-order for svg-to-pdfkit', () => {
  it('splits a text painted stroke first into its stroke alone, then its fill alone', () => {
    expect(strokesFirst(text(' paint-order="stroke"'))).toBe(
      '<svg><text x="1" stroke="#fff" stroke-width="2" fill="none">EMEA: 44%</text>' +
        '<text x="1" fill="#333" stroke-width="2" stroke="none">EMEA: 44%</text></svg>',
    );
  });

  it('splits it for any order that puts the stroke before the fill, and for no other', () => {
    for (const order of ['stroke', 'stroke fill', 'markers stroke', ' stroke  markers '])
      expect(strokesFirst(text(` paint-order="${order}"`))).toContain('fill="none"');
    for (const order of ['', ' paint-order="normal"', ' paint-order="fill stroke"', ' paint-order="markers"'])
      expect(strokesFirst(text(order))).toBe(text(order));
  });
});
