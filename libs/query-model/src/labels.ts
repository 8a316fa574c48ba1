// Imports nothing (see eslint.config.mjs): the web app bundles it alone, as `@aurora/query-model/labels`.

/**
 * The label of a column that has none in the catalog, such as a measure (`sum_net_amount` → `Sum Net Amount`).
 * The API's result columns and the web's preview of them come from this one function, so they agree.
 */
export function titleCase(name: string): string {
  return name
    .split('_')
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
