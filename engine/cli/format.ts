/** Plain-text tables for the terminal, in the spirit of Keras's summary and torchinfo. */

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** 15_470_264_320 → "15.47 G". */
export function formatSI(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) if (n >= size) return `${(n / size).toFixed(2)} ${unit}`;
  return String(n);
}

export function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('──');
  return [line(header), rule, ...rows.map(line), rule].join('\n');
}
