/**
 * The eval report as text: the score table (suite, cases, passed, score %, mean tokens, mean
 * latency) and the failed checks, case by case. Plain columns so it reads the same in a terminal,
 * a CI log and docs/eval.md (the table is valid Markdown).
 */
import type { EvalReport } from './eval.runner.js';

function table(head: string[], rows: string[][], align: Array<'l' | 'r'>): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const cell = (s: string, i: number) => (align[i] === 'r' ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const line = (r: string[]) => `| ${r.map(cell).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

export function formatScoreTable(report: EvalReport): string {
  const rows = report.suites.map((s) => [
    s.suite,
    String(s.cases),
    String(s.passed),
    `${s.score.toFixed(1)}%`,
    s.meanTokens.toFixed(1),
    `${(s.meanMs / 1000).toFixed(2)} s`,
    String(s.errors),
  ]);
  return table(['suite', 'cases', 'passed', 'score', 'mean tokens', 'mean latency', 'errors'], rows, [
    'l',
    'r',
    'r',
    'r',
    'r',
    'r',
    'r',
  ]);
}

/** Pass rate of each check label per suite, lowest first. */
export function formatCheckTable(report: EvalReport): string {
  const rows = report.suites.flatMap((s) =>
    [...s.checks]
      .sort((a, b) => a.passed / a.total - b.passed / b.total || a.label.localeCompare(b.label))
      .map((k) => [s.suite, k.label, `${k.passed}/${k.total}`]),
  );
  return table(['suite', 'check', 'passed'], rows, ['l', 'l', 'r']);
}

export function formatFailures(report: EvalReport, max = Infinity): string {
  const lines: string[] = [];
  let shown = 0;
  for (const c of report.cases) {
    if (c.passed) continue;
    if (shown++ >= max) {
      lines.push(`… and ${report.cases.filter((x) => !x.passed).length - max} more failing cases`);
      break;
    }
    lines.push(`✗ ${c.suite}/${c.id}${c.error ? ` (error: ${c.error})` : ''}`);
    for (const k of c.checks) if (!k.pass) lines.push(`    - ${k.label}${k.detail ? `: ${k.detail}` : ''}`);
  }
  return lines.length ? lines.join('\n') : 'every case passed';
}
