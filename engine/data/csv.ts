/**
 * CSV tables: numeric feature columns plus one label column. Students make these by hand or in a
 * spreadsheet, so the parser is forgiving about layout (optional header, blank lines, quotes) and
 * strict about values: a bad cell is reported as file:line:column with the cell's text.
 */
import { basename, join } from 'node:path';
import { pathKind, readBytes } from './files';
import { DatasetError, type Dataset, type Split } from './types';

interface Row {
  line: number;
  cells: string[];
}

interface Table {
  path: string;
  header: string[] | null;
  rows: Row[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^\+?\d+$/;
/** Integer labels are class indices, one output unit each: past this the label is surely not one. */
export const MAX_CSV_CLASS = 65535;

/** Splits one line on commas, honouring double quotes ("a, b" and "" for a literal quote). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

function parseTable(text: string, path: string): Table {
  const rows: Row[] = [];
  text
    .replace(/^\uFEFF/, '') // spreadsheets often save a byte-order mark
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (raw.trim() !== '') rows.push({ line: i + 1, cells: splitCsvLine(raw) });
    });
  if (rows.length === 0) throw new DatasetError(`${path}: the file is empty`);
  const [first, second] = rows as [Row, Row | undefined];
  // A header is a first row with text where the data has numbers (or text everywhere, for a header-only file).
  const isHeader = second
    ? first.cells.some((c, j) => !NUMBER.test(c) && NUMBER.test(second.cells[j] ?? ''))
    : first.cells.every((c) => !NUMBER.test(c));
  const header = isHeader ? first.cells : null;
  return { path, header, rows: isHeader ? rows.slice(1) : rows };
}

function labelIndex(table: Table, wanted: string | number | undefined): number {
  const width = table.header?.length ?? table.rows[0]?.cells.length ?? 0;
  if (width < 2) throw new DatasetError(`${table.path}: needs at least one feature column and a label column, found ${width} column`);
  if (typeof wanted === 'number') {
    if (!Number.isInteger(wanted) || wanted < 0 || wanted >= width)
      throw new DatasetError(`${table.path}: label column ${wanted} does not exist (columns 0–${width - 1})`);
    return wanted;
  }
  if (typeof wanted === 'string') {
    const at = table.header?.findIndex((h) => h === wanted) ?? -1;
    if (at < 0)
      throw new DatasetError(
        `${table.path}: no column named "${wanted}"${table.header ? ` (columns: ${table.header.join(', ')})` : ' (the file has no header row)'}`,
      );
    return at;
  }
  const named = table.header?.findIndex((h) => h.toLowerCase() === 'label') ?? -1;
  return named >= 0 ? named : width - 1;
}

function columnName(table: Table, j: number): string {
  return table.header?.[j] ? `column "${table.header[j]}"` : `column ${j + 1}`;
}

/** Features as floats (row-major) and the raw label cells, after checking every cell. */
function readRows(table: Table, labelAt: number, width: number, limit: number): { x: Float32Array; labels: string[]; lines: number[] } {
  const rows = table.rows.slice(0, limit);
  const features = width - 1;
  const x = new Float32Array(rows.length * features);
  const labels: string[] = [];
  rows.forEach((row, r) => {
    if (row.cells.length !== width) {
      throw new DatasetError(
        `${table.path}:${row.line}: has ${row.cells.length} column${row.cells.length === 1 ? '' : 's'}, expected ${width}`,
      );
    }
    let f = 0;
    row.cells.forEach((cell, j) => {
      if (j === labelAt) return;
      if (!NUMBER.test(cell)) {
        const what = cell === '' ? 'empty cell' : `"${cell}" is not a number`;
        throw new DatasetError(`${table.path}:${row.line}:${j + 1}: ${what} (${columnName(table, j)}); feature columns must hold numbers`);
      }
      const value = Math.fround(Number(cell));
      // Training would meet this as an infinite loss, and blame the learning rate.
      if (!Number.isFinite(value)) {
        throw new DatasetError(
          `${table.path}:${row.line}:${j + 1}: "${cell}" is too large for a 32-bit float (at most about 3.4e38) (${columnName(table, j)})`,
        );
      }
      x[r * features + f++] = value;
    });
    const label = row.cells[labelAt]!;
    if (label === '') throw new DatasetError(`${table.path}:${row.line}:${labelAt + 1}: empty label`);
    if (INTEGER.test(label) && Number(label) > MAX_CSV_CLASS) {
      throw new DatasetError(
        `${table.path}:${row.line}:${labelAt + 1}: label ${label} is too large: integer labels are class indices 0, 1, 2, … up to ${MAX_CSV_CLASS}`,
      );
    }
    labels.push(label);
  });
  return { x, labels, lines: rows.map((r) => r.line) };
}

/** Min–max scales each feature to [0, 1] using the training split's range (constant features become 0). */
function minMaxScale(train: Float32Array, others: Float32Array[], features: number): void {
  for (let f = 0; f < features; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = f; i < train.length; i += features) {
      lo = Math.min(lo, train[i]!);
      hi = Math.max(hi, train[i]!);
    }
    const span = hi > lo ? hi - lo : 1;
    for (const arr of [train, ...others]) {
      for (let i = f; i < arr.length; i += features) arr[i] = hi > lo ? (arr[i]! - lo) / span : 0;
    }
  }
}

async function readTable(path: string): Promise<Table> {
  return parseTable((await readBytes(path)).toString('utf8'), path);
}

/**
 * A CSV file (training split only), or a folder with `train.csv` and optionally `test.csv`.
 * Integer labels are class indices; any other labels are class names, numbered in sorted order.
 */
export async function loadCsv(
  path: string,
  source: string,
  opts: { limit?: number; testLimit?: number; labelColumn?: string | number } = {},
): Promise<Dataset> {
  const isDir = (await pathKind(path)) === 'dir';
  const trainPath = isDir ? join(path, 'train.csv') : path;
  const testPath = isDir && (await pathKind(join(path, 'test.csv'))) === 'file' ? join(path, 'test.csv') : null;
  const trainTable = await readTable(trainPath);
  const labelAt = labelIndex(trainTable, opts.labelColumn);
  const width = trainTable.header?.length ?? trainTable.rows[0]!.cells.length;
  const train = readRows(trainTable, labelAt, width, opts.limit ?? Infinity);
  if (train.labels.length === 0) throw new DatasetError(`${trainPath}: has a header but no data rows`);
  const testTable = testPath ? await readTable(testPath) : null;
  if (testTable?.header && trainTable.header && testTable.header.join() !== trainTable.header.join()) {
    throw new DatasetError(
      `${testPath}: its columns (${testTable.header.join(', ')}) differ from train.csv's (${trainTable.header.join(', ')})`,
    );
  }
  const test = testTable ? readRows(testTable, labelAt, width, opts.testLimit ?? opts.limit ?? Infinity) : null;

  const allLabels = [...train.labels, ...(test?.labels ?? [])];
  const numeric = allLabels.every((l) => INTEGER.test(l));
  let classNames: string[];
  if (numeric) {
    // A loop, not Math.max(...labels): spreading 150,000 arguments overflows the stack.
    let max = 0;
    for (const label of allLabels) max = Math.max(max, Number(label));
    classNames = Array.from({ length: max + 1 }, (_, i) => String(i));
  } else {
    classNames = [...new Set(train.labels)].sort();
  }
  const toSplit = (rows: { x: Float32Array; labels: string[]; lines: number[] }, file: string): Split => {
    const y = new Int32Array(rows.labels.length);
    rows.labels.forEach((label, i) => {
      const k = numeric ? Number(label) : classNames.indexOf(label);
      if (k < 0) throw new DatasetError(`${file}:${rows.lines[i]}:${labelAt + 1}: label "${label}" does not occur in the training data`);
      y[i] = k;
    });
    return { x: rows.x, y, count: y.length };
  };
  const features = width - 1;
  const trainSplit = toSplit(train, trainPath);
  const testSplit = test && testPath ? toSplit(test, testPath) : null;
  minMaxScale(trainSplit.x, testSplit ? [testSplit.x] : [], features);
  return {
    name: basename(path).replace(/\.csv$/i, ''),
    source,
    shape: [features],
    numClasses: classNames.length,
    classNames,
    train: trainSplit,
    test: testSplit,
    normalization: { kind: 'unit' },
  };
}
