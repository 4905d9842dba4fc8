// Start-up time of the CLI (issue 11): `pinbench --version`, `list` and `--help`, each measured against bare
// `node -e 0` interleaved in the same rounds (node, --version, list, --help, node, ...), so that a busy machine
// slows every command alike. Run after `npm run build`:
//   node dist/benchmarks/speed/startup.js [--rounds N] [--cli PATH/TO/main.js]
// Reports, per command, the median wall time, its spread (min, quartiles, max) and the median over rounds of
// (command - node in the same round). Goals: --version within 100 ms of bare node, list within 250 ms.
// Exit status 1 when a goal is missed, so a script or CI step can rely on it.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defined } from '../../src/shared/defined.js';

/** Goals, ms above bare node (median over rounds of the per-round difference). */
const GOALS_MS: Readonly<Record<string, number>> = { '--version': 100, list: 250 };
const DEFAULT_ROUNDS = 15;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: String(DEFAULT_ROUNDS) },
    cli: { type: 'string', default: fileURLToPath(new URL('../../src/cli/main.js', import.meta.url)) },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 3) throw new Error(`--rounds: expected an integer of at least 3, got ${values.rounds}`);
const cli = values.cli;

const commands: ReadonlyArray<{ label: string; argv: string[] }> = [
  { label: 'node -e 0', argv: ['-e', '0'] },
  { label: '--version', argv: [cli, '--version'] },
  { label: 'list', argv: [cli, 'list'] },
  { label: '--help', argv: [cli, '--help'] },
];

function timeOnce(argv: string[]): number {
  const start = performance.now();
  const out = spawnSync(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - start;
  if (out.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${out.status}: ${out.stderr.toString().trim()}`);
  return ms;
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return defined(s[lo]) + (defined(s[hi]) - defined(s[lo])) * (pos - lo);
}

// One warm-up round: the first spawn pays for the file system cache.
for (const c of commands) timeOnce(c.argv);
const times = commands.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  commands.forEach((c, i) => {
    times[i]?.push(timeOnce(c.argv));
  });
}

const f = (ms: number): string => ms.toFixed(0).padStart(5);
const lines = [
  `start-up of ${cli}, ${rounds} interleaved rounds (ms)`,
  `${'command'.padEnd(11)} median   min    q1    q3   max   minus node (median of per-round differences)`,
];
let missed = false;
commands.forEach((c, i) => {
  const xs = defined(times[i]);
  const node = defined(times[0], 'bare node times');
  const diffs = xs.map((x, r) => x - defined(node[r], `round ${r} of bare node`));
  const overhead = quantile(diffs, 0.5);
  const goal = GOALS_MS[c.label];
  const verdict = goal === undefined ? '' : overhead <= goal ? `  goal <= ${goal}: ok` : `  goal <= ${goal}: MISSED`;
  if (goal !== undefined && overhead > goal) missed = true;
  const extra =
    i === 0 ? '' : `   ${f(overhead)} [q1 ${f(quantile(diffs, 0.25)).trim()}, q3 ${f(quantile(diffs, 0.75)).trim()}]${verdict}`;
  lines.push(
    `${c.label.padEnd(11)} ${f(quantile(xs, 0.5))} ${f(Math.min(...xs))} ${f(quantile(xs, 0.25))} ${f(quantile(xs, 0.75))} ${f(Math.max(...xs))}${extra}`,
  );
});
process.stdout.write(lines.join('\n') + '\n');
process.exitCode = missed ? 1 : 0;
