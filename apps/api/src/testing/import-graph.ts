/**
 * The import graph of apps/api/src, read from the source with TypeScript's own pre-processor
 * (`ts.preProcessFile`: static imports, `export … from`, `import type`, and dynamic `import()`),
 * so no regex guesses at syntax. Files are grouped into units: `modules/<feature>`,
 * `engines/<engine>`, `plugins/<group>`, and the other top-level directories (`lib`, `config`,
 * `cli`, …; files at the root are `.`). Tests and test helpers are left out: they may reach across
 * modules to set a scene; the production code may not.
 *
 * Used by architecture.test.ts; run it to print the graph:
 *   node --import tsx apps/api/src/testing/import-graph.ts [srcDir]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface ImportGraph {
  /** unit → units it imports (itself excluded), sorted. */
  edges: Map<string, Set<string>>;
  /** For each unit edge, one file-level import that makes it, e.g. `modules/chat/x.ts → modules/models/y.ts`. */
  witness: Map<string, string>;
}

const isTestFile = (p: string) => /\.test(-helpers?)?\.ts$/.test(p) || p.split('/').includes('testing');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The unit a file (path relative to src, with `/`) belongs to. */
export function unitOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return '.';
  if ((parts[0] === 'modules' || parts[0] === 'engines' || parts[0] === 'plugins') && parts.length > 2)
    return `${parts[0]}/${parts[1]}`;
  return parts[0]!;
}

export function buildImportGraph(srcDir: string): ImportGraph {
  const root = resolve(srcDir);
  const edges = new Map<string, Set<string>>();
  const witness = new Map<string, string>();
  for (const abs of sourceFiles(root)) {
    const from = relative(root, abs).split(sep).join('/');
    if (isTestFile(from)) continue;
    const fromUnit = unitOf(from);
    if (!edges.has(fromUnit)) edges.set(fromUnit, new Set());
    const info = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue; // packages
      const target = relative(root, resolve(dirname(abs), fileName.replace(/\.js$/, '.ts')))
        .split(sep)
        .join('/');
      if (target.startsWith('..')) continue; // outside src (none today)
      const toUnit = unitOf(target);
      if (toUnit === fromUnit) continue;
      edges.get(fromUnit)!.add(toUnit);
      const key = `${fromUnit} -> ${toUnit}`;
      if (!witness.has(key)) witness.set(key, `${from} → ${target}`);
    }
  }
  return { edges, witness };
}

/** Strongly connected components with more than one unit (each one is at least one cycle). */
export function cycles(edges: Map<string, Set<string>>, keep: (unit: string) => boolean = () => true): string[][] {
  const nodes = [...edges.keys()].filter(keep);
  const next = (n: string) => [...(edges.get(n) ?? [])].filter(keep);
  // Tarjan's algorithm.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const n of nodes.sort()) if (!idx.has(n)) visit(n);
  return out;
}

/** One concrete cycle through the units of `scc`, as `a → b → … → a` (shortest from its first unit). */
export function describeCycle(edges: Map<string, Set<string>>, scc: string[]): string {
  const inScc = new Set(scc);
  const start = scc[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (!inScc.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start].join(' → ');
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return scc.join(' ⇄ ');
}

export function formatGraph(graph: ImportGraph): string {
  return [...graph.edges.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([from, to]) => `${from} → ${[...to].sort().join(', ') || '(nothing)'}`)
    .join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
  const graph = buildImportGraph(dir);
  console.log(formatGraph(graph));
  const all = cycles(graph.edges);
  console.log(`\ncycles between units: ${all.length ? '' : 'none'}`);
  for (const c of all) console.log(`  {${c.join(', ')}}, e.g. ${describeCycle(graph.edges, c)}`);
}
