/**
 * A chart's SVG with every text whose `paint-order` puts the stroke before the fill split in two: the stroke alone,
 * then the fill alone. svg-to-pdfkit ignores `paint-order` and strokes after filling, so a text with a halo
 * (ECharts' pie labels: fill #333 under a 2 px white stroke, `paint-order="stroke"`) came out white on white in the
 * PDF; resvg (the PNG) and browsers honour the attribute and need no such help.
 */
export function strokesFirst(svg: string): string {
  return svg.replace(/<text\b([^>]*)>([^<]*)<\/text>/g, (whole, attributes: string, content: string) => {
    const order = /\spaint-order="([^"]*)"/.exec(attributes)?.[1];
    if (order === undefined || !strokeBeforeFill(order)) return whole;
    const rest = attributes.replace(/\spaint-order="[^"]*"/, '');
    return `<text${set(rest, 'fill', 'none')}>${content}</text><text${set(rest, 'stroke', 'none')}>${content}</text>`;
  });
}

/** SVG 2: the listed parts paint in their order, the unlisted ones after them in the normal order. */
function strokeBeforeFill(order: string): boolean {
  const listed = order.trim().split(/\s+/);
  const all = [...listed, ...['fill', 'stroke', 'markers'].filter((part) => !listed.includes(part))];
  return all.indexOf('stroke') < all.indexOf('fill');
}

function set(attributes: string, name: string, value: string): string {
  return `${attributes.replace(new RegExp(`\\s${name}="[^"]*"`), '')} ${name}="${value}"`;
}
