/** How many quoted names are kept before starting afresh: result names (a measure's `as`) come from users. */
const MAX_NAMES = 10_000;

/**
 * A dialect's identifier quoting, remembered per name. A statement quotes a hundred names or so, nearly all
 * from a small catalog, and quoting each afresh (a regular expression per name) was a tenth of a compile.
 * A name the dialect refuses is never remembered, so it throws every time.
 */
export function rememberQuoting(quote: (name: string) => string): (name: string) => string {
  const quoted = new Map<string, string>();
  return (name) => {
    let text = quoted.get(name);
    if (text === undefined) {
      text = quote(name);
      if (quoted.size >= MAX_NAMES) quoted.clear();
      quoted.set(name, text);
    }
    return text;
  };
}
