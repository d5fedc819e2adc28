/** `netcanvas check FILE [--json]`: shapes, params, MACs, receptive fields and diagnostics. */
import { checkGraph } from '../check/checkGraph';
import { idRecord } from '../graph/records';
import type { CheckResult } from '../check/types';
import { formatShape } from '../layers/spec';
import { formatCount, formatSI, table } from './format';
import { out, readGraphFile } from './io';

/** The contract of `--json`: exactly these top-level keys, more fields per node are welcome. */
export function checkJson(result: CheckResult) {
  const nodes = idRecord<unknown>();
  for (const [id, n] of Object.entries(result.nodes)) {
    nodes[id] = {
      type: n.type,
      status: n.status,
      outputShape: n.outputShape,
      params: n.params,
      trainable: n.trainable,
      frozenParams: n.frozenParams,
      macs: n.macs,
      receptiveField: n.receptiveField,
      activationSize: n.activationSize,
    };
  }
  return {
    ok: result.ok,
    nodes,
    totals: {
      params: result.totals.params,
      frozenParams: result.totals.frozenParams,
      macs: result.totals.macs,
      activationSize: result.totals.activationSize,
    },
    diagnostics: result.diagnostics,
  };
}

function field(rf: CheckResult['nodes'][string]['receptiveField']): string {
  if (!rf) return '—';
  const size = rf.size[0] === rf.size[1] ? `${rf.size[0]}` : formatShape(rf.size);
  const jump = rf.jump[0] === rf.jump[1] ? `${rf.jump[0]}` : formatShape(rf.jump);
  return `${size} (jump ${jump})`;
}

export function renderCheck(name: string, result: CheckResult, labels: Record<string, string | undefined>): string {
  const ids = [...result.order, ...Object.keys(result.nodes).filter((id) => !result.order.includes(id))];
  const rows = ids.map((id) => {
    const n = result.nodes[id]!;
    const shape = n.status === 'ok' ? formatShape(n.outputShape) : n.status === 'error' ? 'error' : '?';
    const label = labels[id] ? `${id} (${labels[id]})` : id;
    return [
      label,
      n.type,
      shape,
      n.status !== 'ok' ? '' : n.frozenParams > 0 ? `${formatCount(n.frozenParams)} frozen` : formatCount(n.params),
      n.status === 'ok' ? formatCount(n.macs) : '',
      field(n.receptiveField),
    ];
  });
  const lines = [`Graph: ${name}`, table(['Node', 'Type', 'Output shape', 'Params', 'MACs', 'Receptive field'], rows, new Set([3, 4]))];
  const frozen = result.totals.frozenParams > 0 ? ` trainable, ${formatCount(result.totals.frozenParams)} frozen` : '';
  lines.push(`Total params: ${formatCount(result.totals.params)}${frozen}`);
  lines.push(`Total MACs:   ${formatCount(result.totals.macs)} (${formatSI(result.totals.macs)} per sample)`);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  if (result.diagnostics.length > 0) {
    lines.push('', `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}:`);
    for (const d of result.diagnostics) {
      lines.push(`  ${d.severity}[${d.code}] ${d.message}`);
      if (d.fix) lines.push(`      fix: ${d.fix.label}`);
    }
  } else lines.push('', 'No problems found.');
  return lines.join('\n');
}

export async function runCheck(args: { file: string; json: boolean }): Promise<number> {
  const doc = await readGraphFile(args.file);
  const result = checkGraph(doc);
  if (args.json) out(JSON.stringify(checkJson(result), null, 2));
  else {
    const labels = Object.fromEntries(doc.nodes.map((n) => [n.id, n.label]));
    out(renderCheck(doc.name, result, labels));
  }
  return result.ok ? 0 : 1;
}
