import type { CatalogColumn, DatasetDetail } from '../api';

/** Small catalog factories for specs: the demo datasets' shape, not their data. */
export function column(name: string, type: CatalogColumn['type'], format?: string): CatalogColumn {
  const label = name.replace(
    /(^|_)(\w)/g,
    (_, sep: string, c: string) => `${sep ? ' ' : ''}${c.toUpperCase()}`,
  );
  return { name, label, type, nullable: true, ...(format ? { format } : {}) };
}

export function sales(overrides: Partial<DatasetDetail> = {}): DatasetDetail {
  return {
    id: 'global_sales',
    label: 'Global Sales',
    description: '',
    rowEstimate: 10,
    partition: { loadTypeColumn: 'load_type', loadIdColumn: 'load_id', required: true },
    actions: ['view', 'export'],
    rowsRestricted: false,
    columns: [
      column('region', 'string'),
      column('amount', 'number', 'money'),
      column('quantity', 'integer'),
      column('order_date', 'date'),
      column('ordered_at', 'timestamp'),
      column('is_return', 'boolean'),
      column('product_id', 'integer'),
    ],
    joins: [{ dataset: 'products', on: [{ left: 'product_id', right: 'product_id' }] }],
    ...overrides,
  };
}

export function products(): DatasetDetail {
  return {
    id: 'products',
    label: 'Products',
    description: '',
    rowEstimate: 5,
    partition: null,
    actions: ['view', 'export'],
    rowsRestricted: false,
    columns: [
      column('product_id', 'integer'),
      column('category', 'string'),
      column('list_price', 'number', 'money'),
    ],
    joins: [],
  };
}
