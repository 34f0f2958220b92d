/**
 * The shape of apps/api/src, checked rather than promised: no import cycle between feature modules
 * or engines, the lower layers never reach up, and services are constructed in one place (the
 * composition root, container.ts). The graph comes from testing/import-graph.ts (TypeScript's own
 * pre-processor; tests and test helpers are left out). A failure prints the cycle or the import.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { buildImportGraph, cycles, describeCycle } from './testing/import-graph.js';

const src = dirname(fileURLToPath(import.meta.url));
const isFeature = (unit: string) => unit.startsWith('modules/') || unit.startsWith('engines/');

function report(edges: Map<string, Set<string>>, found: string[][]): string {
  return found.map((scc) => `{${scc.join(', ')}}: ${describeCycle(edges, scc)}`).join('\n');
}

describe('architecture of apps/api/src', () => {
  const graph = buildImportGraph(src);

  it('has no import cycle between directories under modules/ or engines/', () => {
    const found = cycles(graph.edges, isFeature);
    assert.deepEqual(found, [], `module-level import cycles:\n${report(graph.edges, found)}`);
  });

  it('has no import cycle between any top-level units (root, cli, plugins, lib, …)', () => {
    const found = cycles(graph.edges);
    assert.deepEqual(found, [], `import cycles:\n${report(graph.edges, found)}`);
  });

  it('keeps lib/, config/ and engines/ below the features: they import no module, plugin, cli or root file', () => {
    const bad: string[] = [];
    for (const [key, example] of graph.witness) {
      const [from, to] = key.split(' -> ') as [string, string];
      const low = from === 'lib' || from === 'config' || from.startsWith('engines/');
      const high = to === '.' || to === 'cli' || to.startsWith('modules/') || to.startsWith('plugins/');
      if (low && high) bad.push(example);
    }
    assert.deepEqual(bad, []);
  });

  it('constructs services and repositories only in the composition root (container.ts)', () => {
    const files: Array<{ file: string; text: string }> = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) {
          if (name !== 'testing') walk(p);
        } else if (name.endsWith('.ts') && !/\.test(-helpers?)?\.ts$/.test(name)) {
          files.push({ file: relative(src, p).split(sep).join('/'), text: readFileSync(p, 'utf8') });
        }
      }
    };
    walk(src);
    // The long-lived objects the feature modules define (a per-connection ChatSocket is not one).
    const wired = new Set<string>();
    for (const { file, text } of files) {
      if (!file.startsWith('modules/')) continue;
      for (const m of text.matchAll(/export class (\w+(?:Service|Repository|Generator|Streamer|Guard|Hub))\b/g))
        wired.add(m[1]!);
    }
    // Made per reply, not wired: the guard that filters one reply's token stream.
    wired.delete('ReplyGuard');
    assert.ok(wired.has('ChatService') && wired.has('SessionService'), 'the scan found the services');
    const offenders: string[] = [];
    for (const { file, text } of files) {
      // engines/ cannot import a module at all (checked above); a same-named class there is another one.
      // The CLI too takes its parts from the container (buildAccounts, buildModelService, buildEvalPipeline).
      if (file === 'container.ts' || file.startsWith('engines/')) continue;
      for (const m of text.matchAll(/new (\w+)\(/g)) {
        // A class's own static factory (`KnowledgeService.create`) is not a second composition root.
        if (wired.has(m[1]!) && !text.includes(`export class ${m[1]} `)) offenders.push(`${file}: new ${m[1]}(`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('the checker itself finds a cycle, and names it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medichat-graph-'));
    try {
      const put = (file: string, text: string) => {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      };
      put('modules/a/a.service.ts', "import type { B } from '../b/b.service.js';\nexport type A = B;\n");
      put('modules/b/b.service.ts', "export type B = string;\nexport const load = () => import('../c/c.ts');\n");
      put('modules/c/c.ts', "export { x } from '../a/a.service.js';\n");
      put('modules/c/c.test.ts', "import '../../engines/e/e.js';\n"); // tests are not part of the graph
      put('engines/e/e.ts', 'export const e = 1;\n');
      const g = buildImportGraph(dir);
      const found = cycles(g.edges, isFeature);
      assert.deepEqual(found, [['modules/a', 'modules/b', 'modules/c']]);
      assert.equal(describeCycle(g.edges, found[0]!), 'modules/a → modules/b → modules/c → modules/a');
      assert.deepEqual([...(g.edges.get('modules/c') ?? [])], ['modules/a']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
