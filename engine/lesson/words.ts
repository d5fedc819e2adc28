/** How lesson checks put numbers and bounds into words a student reads. */
import type { LessonCheck } from './schema';

export const countText = (n: number): string => n.toLocaleString('en-US');

/** A bound: 0.97 → "97%", 0.855 → "85.5%". */
export const percentText = (fraction: number): string => `${Number((fraction * 100).toFixed(2))}%`;

/** A measurement, never rounded across a bound: 0.96975 → "96.98%", not "97%". */
export const measuredPercent = (fraction: number): string => `${(fraction * 100).toFixed(2)}%`;

/** Short but exact enough: 0.0001 → "0.0001", 0.000234 → "0.00023", 1234.5 → "1,234.5". */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n !== 0 && Math.abs(n) < 0.001) return Number(n.toPrecision(2)).toString();
  return Number(n.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export type Unit = 'count' | 'percent' | 'number';

export function unitText(unit: Unit | undefined): (n: number) => string {
  return unit === 'count' ? countText : unit === 'percent' ? percentText : numberText;
}

/** "at least 28", "at most 6,000", "between 2 and 4", "exactly 61,706". */
export function boundsText(check: Pick<LessonCheck, 'min' | 'max'>, show: (n: number) => string): string {
  const { min, max } = check;
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${show(min)}` : `between ${show(min)} and ${show(max)}`;
  if (min !== undefined) return `at least ${show(min)}`;
  if (max !== undefined) return `at most ${show(max)}`;
  return 'any value';
}

export function withinBounds(value: number, check: Pick<LessonCheck, 'min' | 'max'>): boolean {
  return (check.min === undefined || value >= check.min) && (check.max === undefined || value <= check.max);
}

/** "an add", "a conv2d". */
export function article(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

export const plural = (n: number, word: string): string => `${countText(n)} ${word}${n === 1 ? '' : 's'}`;
