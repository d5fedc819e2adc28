/** Chart axis sizing shared by the charts: pure, so it is tested without a browser. */
import type uPlot from 'uplot';

/**
 * Pixels for a y axis: its longest tick label at uPlot's 12 px font, plus the ticks' gap. A loss
 * of 10,000 (Adam at learning rate 10) needs more room than 0.5; a fixed width cut such labels off.
 */
export function yAxisSize(_u: uPlot, values: string[] | null): number {
  const longest = Math.max(3, ...(values ?? []).map((v) => v.length));
  return Math.ceil(longest * 7.2 + 20);
}
