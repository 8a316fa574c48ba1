/** The escape character of every LIKE the compiler writes (`ESCAPE '\'`). */
export const LIKE_ESCAPE = '\\';

/** Escapes `%`, `_` and the escape character so they match themselves, then adds the wildcards. */
export function likePattern(operator: 'contains' | 'starts_with' | 'ends_with', text: string): string {
  const escaped = text.replace(/[\\%_]/g, (char) => LIKE_ESCAPE + char);
  switch (operator) {
    case 'contains':
      return `%${escaped}%`;
    case 'starts_with':
      return `${escaped}%`;
    case 'ends_with':
      return `%${escaped}`;
  }
}
