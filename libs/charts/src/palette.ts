/**
 * Okabe and Ito's palette ("Color Universal Design", 2008), told apart with every common colour-vision
 * deficiency; ordered so the first series are the strongest on white (its yellow, faint on white, comes late).
 */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#56B4E9',
  '#CC79A7',
  '#000000',
  '#F0E442',
] as const;
