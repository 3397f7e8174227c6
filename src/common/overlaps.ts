// Which time spans overlap another: how the panel and the experiments table tell a run that shared
// the machine (its times per iteration are not its own) from one that ran alone. One rule for both.

/** A span [start, end) in ms since the epoch, or undefined when unknown (never counted). */
export type Span = readonly [number, number] | undefined;

/** For each span, whether it overlaps another known span of the list (touching ends do not count). */
export function overlapsAnother(spans: readonly Span[]): boolean[] {
  return spans.map((mine, i) => mine !== undefined && spans.some((other, j) => j !== i && other !== undefined && other[0] < mine[1] && mine[0] < other[1]));
}
