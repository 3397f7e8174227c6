// Just enough of Source Map v3 to map a stack-frame position in a compiled problem bundle back to the
// user's file: base64 VLQ decoding of `mappings` and a lookup by generated line and column.

/** The parts of a source map this module reads. */
export interface RawSourceMap {
  readonly sources: readonly string[];
  readonly mappings: string;
}

/** A position in an original source (0-based line and column) and that source's index in `sources`. */
export interface OriginalPosition {
  readonly source: number;
  readonly line: number;
  readonly column: number;
}

/** One decoded segment: generated column → original source, line, column. */
interface Segment {
  readonly column: number;
  readonly source: number;
  readonly line: number;
  readonly originalColumn: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decoded mappings, one segment list per generated line (sorted by column, as the format requires). */
export class SourceMapLookup {
  private readonly lines: Segment[][];

  constructor(readonly map: RawSourceMap) {
    this.lines = decodeMappings(map.mappings);
  }

  /**
   * The original position of generated (line, column), both 0-based: the segment on that line that
   * starts at or before the column (else the line's first segment), or undefined for an unmapped line.
   */
  originalPositionFor(line: number, column: number): OriginalPosition | undefined {
    const segments = this.lines[line];
    if (!segments || segments.length === 0) return undefined;
    let best = segments[0]!;
    for (const s of segments) {
      if (s.column > column) break;
      best = s;
    }
    return { source: best.source, line: best.line, column: best.originalColumn };
  }
}

/** Decodes a `mappings` string; segments without an original position (1 field) are dropped. */
function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  let line = 0;
  let originalColumn = 0;
  for (const text of mappings.split(';')) {
    const segments: Segment[] = [];
    let column = 0;
    for (const part of text.split(',')) {
      if (part === '') continue;
      const fields = decodeVlq(part);
      column += fields[0] ?? 0;
      if (fields.length < 4) continue;
      source += fields[1]!;
      line += fields[2]!;
      originalColumn += fields[3]!;
      segments.push({ column, source, line, originalColumn });
    }
    lines.push(segments);
  }
  return lines;
}

/** The signed integers of one base64 VLQ segment. */
function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const digit = DIGIT.get(c);
    if (digit === undefined) throw new Error(`invalid base64 VLQ character '${c}' in source map`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
    } else {
      const negative = value % 2 === 1;
      const magnitude = Math.floor(value / 2);
      out.push(negative ? -magnitude : magnitude);
      value = 0;
      shift = 0;
    }
  }
  return out;
}
