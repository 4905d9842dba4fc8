#!/usr/bin/env node
// Check the import graph of src/ against the layers of the architecture (data flows one way, top to bottom):
//   - no import cycle between files (type-only imports count: they are still a dependency of the design);
//   - no upward import: a layer imports only itself and the layers below it (LAYERS, top first);
//   - src/ imports nothing from benchmarks/, test/ or scripts/; benchmarks/ imports nothing from test/;
//   - a few packages only where they belong (clinic: the profile command; playwright-core: nowhere in src/).
// Exit 1 naming every violation not in ALLOWED below. Reads the TypeScript sources; needs no build.
//   node scripts/check-imports.mjs [--root DIR]     (DIR: another tree to check, for the script's own test)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const rootArg = process.argv.indexOf('--root');
const ROOT = rootArg > 0 ? resolve(process.argv[rootArg + 1] ?? '.') : fileURLToPath(new URL('../', import.meta.url));

/** src/ folders, top first. `index.ts` (the public API) sits above them all. */
const LAYERS = [
  'index.ts',
  'cli',
  'runner',
  'explore',
  'report',
  'compare',
  'results',
  'scenarios',
  'strategies',
  'hv',
  'mmu',
  'sim',
  'metrics',
  'shared',
];

/** Packages that only some files of src/ may use (imported, or resolved by name). */
const PACKAGE_HOMES = {
  clinic: ['src/cli/commands/profile/handler.ts'],
  'playwright-core': [],
};

/**
 * Known violations in the model layers, which another change is reworking: reported, not failed. Each entry
 * is `from -> to` as printed. This list must only shrink; the final pass of issue 11 empties it.
 */
const ALLOWED = new Set([]);

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const rel = (path) => relative(ROOT, path).split(sep).join('/');

/** Import specifiers of a file: static imports and re-exports (type-only included) and dynamic import(). */
function specifiers(text) {
  const out = [];
  const patterns = [
    /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) out.push(match[1]);
  return out;
}

/** The source file a relative specifier names (`./x.js` -> `./x.ts`). */
function resolveSource(from, specifier) {
  const target = resolve(dirname(from), specifier);
  return target.replace(/\.js$/, '.ts');
}

function layerOf(file) {
  const path = rel(file);
  if (!path.startsWith('src/')) return undefined;
  const rest = path.slice(4);
  return rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : rest;
}

const problems = [];
const graph = new Map();
const exists = (dir) => {
  try {
    return readdirSync(dir) !== undefined;
  } catch {
    return false;
  }
};
const files = ['src', 'benchmarks'].filter((d) => exists(join(ROOT, d))).flatMap((d) => sourceFiles(join(ROOT, d)));
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const edges = [];
  for (const specifier of specifiers(text)) {
    if (!specifier.startsWith('.')) {
      const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      const homes = PACKAGE_HOMES[pkg];
      if (homes !== undefined && rel(file).startsWith('src/') && !homes.includes(rel(file))) {
        problems.push(`package: ${rel(file)} imports ${pkg}, allowed only in ${homes.join(', ') || 'no file of src/'}`);
      }
      continue;
    }
    const target = resolveSource(file, specifier);
    const targetRel = rel(target);
    if (rel(file).startsWith('src/') && !targetRel.startsWith('src/'))
      problems.push(`outside: ${rel(file)} -> ${targetRel} (src/ imports only src/)`);
    if (rel(file).startsWith('benchmarks/') && targetRel.startsWith('test/'))
      problems.push(`outside: ${rel(file)} -> ${targetRel} (benchmarks/ does not import test/)`);
    edges.push(target);
  }
  // A package resolved by name at run time (createRequire(...).resolve('clinic/...')) is a use too.
  for (const [pkg, homes] of Object.entries(PACKAGE_HOMES)) {
    if (rel(file).startsWith('src/') && !homes.includes(rel(file)) && new RegExp(`resolve\\(\\s*['"]${pkg}[/'"]`).test(text)) {
      problems.push(`package: ${rel(file)} resolves ${pkg}, allowed only in ${homes.join(', ') || 'no file of src/'}`);
    }
  }
  graph.set(file, edges);
}

// Upward imports between the layers of src/.
for (const [file, edges] of graph) {
  const from = layerOf(file);
  if (from === undefined) continue;
  for (const target of edges) {
    const to = layerOf(target);
    if (to === undefined || to === from) continue;
    const a = LAYERS.indexOf(from);
    const b = LAYERS.indexOf(to);
    if (a < 0 || b < 0)
      problems.push(`layer: ${rel(file)} -> ${rel(target)}: add the folder to LAYERS in scripts/check-imports.mjs`);
    else if (b < a) problems.push(`upward: ${rel(file)} (${from}) -> ${rel(target)} (${to})`);
  }
}

// Cycles: Tarjan's strongly connected components; each component of more than one file is reported once,
// as one cycle through it.
let index = 0;
const indexOf = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function connect(v) {
  indexOf.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!indexOf.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indexOf.get(w)));
  }
  if (low.get(v) === indexOf.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) problems.push(`cycle: ${cycleThrough(component)}`);
  }
}
/** A shortest cycle through the component's first file (in path order), as `a -> b -> a`. */
function cycleThrough(component) {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [];
        for (let x = v; x !== null; x = previous.get(x)) path.unshift(rel(x));
        return [...path, rel(start)].join(' -> ');
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.map(rel).join(', ');
}
for (const v of [...graph.keys()].sort()) if (!indexOf.has(v)) connect(v);

const allowed = problems.filter((p) => ALLOWED.has(p));
const failing = problems.filter((p) => !ALLOWED.has(p));
const stale = [...ALLOWED].filter((p) => !problems.includes(p));
for (const p of allowed) console.log(`allowed (model layers, being reworked): ${p}`);
for (const p of stale) console.log(`allow-list entry no longer needed, remove it: ${p}`);
for (const p of failing) console.error(`check-imports: ${p}`);
console.log(`check-imports: ${graph.size} files, ${failing.length} violation(s), ${allowed.length} allowed`);
// A stale entry is only reported: the change that fixes it may land before the one that shortens the list.
process.exitCode = failing.length > 0 ? 1 : 0;
