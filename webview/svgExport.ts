// Vector export of a chart: main.ts measures the drawn Chart.js chart (plot area, ticks, pixel
// positions of every point) and this module writes the same picture as SVG text. Pure, so it is
// unit-tested in Node.

/** A tick on an axis: its pixel position along the axis and its label. */
export interface SvgTick {
  readonly pos: number;
  readonly label: string;
}

/** A polyline in pixel coordinates. */
export interface SvgLine {
  readonly label: string;
  readonly color: string;
  readonly width: number;
  readonly opacity: number;
  /** Dash pattern in pixels (a baseline's `[6, 4]`); solid when absent. */
  readonly dash?: readonly number[];
  readonly points: readonly (readonly [number, number])[];
}

/** A filled band between two edges in pixel coordinates (a group of seeds' 20–80% or 95% CI), both edges in x order. */
export interface SvgArea {
  readonly label: string;
  readonly color: string;
  readonly opacity: number;
  readonly upper: readonly (readonly [number, number])[];
  readonly lower: readonly (readonly [number, number])[];
}

/** A bar in pixel coordinates. */
export interface SvgBar {
  readonly color: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Everything needed to draw one chart as SVG, in the chart canvas's CSS pixels. */
export interface SvgChart {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  /** The plot area. */
  readonly area: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number };
  readonly xTicks: readonly SvgTick[];
  readonly yTicks: readonly SvgTick[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly lines: readonly SvgLine[];
  /** Bands, drawn under the lines. */
  readonly areas?: readonly SvgArea[];
  readonly bars: readonly SvgBar[];
  readonly legend: readonly { readonly label: string; readonly color: string }[];
  readonly foreground: string;
  readonly background: string;
  readonly gridColor: string;
}

/** Height of the band above the plot that holds the title (CSS pixels). */
export const TITLE_BAND = 24;

/** The chart as a standalone SVG document: the title band, then the chart as drawn. */
export function renderSvg(c: SvgChart): string {
  const { left, top, right, bottom } = c.area;
  const parts: string[] = [];
  // The chart's title sits in a band above the canvas area (on the page it is the card's heading).
  const height = c.height + TITLE_BAND;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r(c.width)}" height="${r(height)}" viewBox="0 0 ${r(c.width)} ${r(height)}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="${esc(c.background)}"/>`,
    `<text x="${r(c.width / 2)}" y="16" text-anchor="middle" font-size="13" font-weight="600" fill="${esc(c.foreground)}">${esc(c.title)}</text>`,
    `<g transform="translate(0 ${TITLE_BAND})">`,
  );
  for (const t of c.yTicks) {
    parts.push(`<line x1="${r(left)}" x2="${r(right)}" y1="${r(t.pos)}" y2="${r(t.pos)}" stroke="${esc(c.gridColor)}" stroke-width="1"/>`);
    parts.push(`<text x="${r(left - 4)}" y="${r(t.pos + 4)}" text-anchor="end" fill="${esc(c.foreground)}">${esc(t.label)}</text>`);
  }
  for (const t of c.xTicks) {
    parts.push(`<line x1="${r(t.pos)}" x2="${r(t.pos)}" y1="${r(top)}" y2="${r(bottom)}" stroke="${esc(c.gridColor)}" stroke-width="1"/>`);
    parts.push(`<text x="${r(t.pos)}" y="${r(bottom + 14)}" text-anchor="middle" fill="${esc(c.foreground)}">${esc(t.label)}</text>`);
  }
  parts.push(`<rect x="${r(left)}" y="${r(top)}" width="${r(right - left)}" height="${r(bottom - top)}" fill="none" stroke="${esc(c.foreground)}" stroke-opacity="0.5"/>`);
  parts.push(`<text x="${r((left + right) / 2)}" y="${r(bottom + 28)}" text-anchor="middle" fill="${esc(c.foreground)}">${esc(c.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(12 ${r((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="${esc(c.foreground)}">${esc(c.yLabel)}</text>`,
  );
  // Lines and bars are clipped to the plot area, as on the canvas.
  parts.push(`<defs><clipPath id="plot"><rect x="${r(left)}" y="${r(top)}" width="${r(right - left)}" height="${r(bottom - top)}"/></clipPath></defs>`);
  parts.push('<g clip-path="url(#plot)">');
  for (const b of c.bars) parts.push(`<rect x="${r(b.x)}" y="${r(b.y)}" width="${r(b.width)}" height="${r(b.height)}" fill="${esc(b.color)}"/>`);
  for (const a of c.areas ?? []) {
    if (a.upper.length === 0 || a.lower.length === 0) continue;
    // The upper edge left to right, then the lower edge back: one closed polygon.
    const pts = [...a.upper, ...[...a.lower].reverse()].map(([x, y]) => `${r(x)},${r(y)}`).join(' ');
    parts.push(`<polygon fill="${esc(a.color)}" fill-opacity="${r(a.opacity)}" stroke="none" points="${pts}"><title>${esc(a.label)}</title></polygon>`);
  }
  for (const line of c.lines) {
    if (line.points.length === 0) continue;
    const pts = line.points.map(([x, y]) => `${r(x)},${r(y)}`).join(' ');
    parts.push(
      `<polyline fill="none" stroke="${esc(line.color)}" stroke-width="${r(line.width)}" stroke-opacity="${r(line.opacity)}"${line.dash ? ` stroke-dasharray="${line.dash.map(r).join(' ')}"` : ''} stroke-linejoin="round" points="${pts}"><title>${esc(line.label)}</title></polyline>`,
    );
  }
  parts.push('</g>');
  let lx = left;
  const ly = c.height - 6;
  for (const item of c.legend) {
    parts.push(`<rect x="${r(lx)}" y="${r(ly - 8)}" width="10" height="10" fill="${esc(item.color)}"/>`);
    parts.push(`<text x="${r(lx + 14)}" y="${r(ly)}" fill="${esc(c.foreground)}">${esc(item.label)}</text>`);
    lx += 24 + item.label.length * 6.5;
  }
  parts.push('</g>', '</svg>');
  return parts.join('\n') + '\n';
}

/** Two decimals are plenty for pixels and keep the file small. */
function r(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
