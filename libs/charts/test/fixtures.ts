import type { ChartColumn } from '../src';

/** Result columns as preview answers them, with the roles the gateway gives a summary's columns. */
export const dimension = (name: string, type = 'string', label = name): ChartColumn => ({
  name,
  label,
  type,
  role: 'dimension',
});

export const measure = (name: string, format?: string, type = 'number'): ChartColumn => ({
  name,
  label: name,
  type,
  role: 'measure',
  ...(format ? { format } : {}),
});
