/**
 * The ablation of the engine's protocol (issue 12; ablation.ts measures it): each variant is a scratch copy of a
 * build's `dist/src` with the compiled JS edited by exact string replacements, so that the cost of one part of the
 * protocol can be timed by removing it. Every patch names its anchor; an anchor found any other number of times
 * than the table says means the engine's code changed, and the ablation must be updated (AnchorError), never
 * applied half. A variant must give bit-identical exact metrics (`checkVariant`): an ablation removes cost, never
 * behaviour.
 *
 * What each patch removes (docs/measurement.md, "What the engine's protocol costs"):
 * - OBS: the vCPU's observer tests. `const obs = this.observer;` becomes `const obs = null;`, so V8 drops every
 *   `if (obs !== null)` branch. Valid without an observer (runScenario without `options.observer`).
 * - CONT: Engine.continueAfter's tests (is another process due first? is the watch due?); it only moves the clock
 *   and counts the event. Valid with one process on the engine's queue and no watch.
 * - PLAIN: the generator in per-pte-deferred's walk: the pin and unpin loops are plain functions that take each PTE
 *   lock with `ctx.lockNow` (the vCPU's `lock`, then an assertion that it was performed in its call, then the
 *   `requested` flag cleared as `yield*` would), and the generators keep only the top level and
 *   `yield* ctx.mcIssue()`. Valid only with one vCPU, where every lock is performed in its call: `lockNow` throws
 *   otherwise.
 * - REC: the effect record: `lockNow` pays the vCPU's debt and calls `acquire` directly, asserting each step is done
 *   in the call (needs PLAIN).
 * - LEAN: an admissible lean lock: `lock()` performed in its call returns a shared, stateless, already-finished
 *   iterable instead of filling the vCPU's effect record; the record is filled only when the program must yield.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunMetrics } from '../../src/scenarios/types.js';
import { diffExact } from '../../src/results/diff-exact.js';
import type { RunResult } from '../../src/results/types.js';

/** The variants measured, in the order of the table in docs/measurement.md. */
export const VARIANTS = ['OBS', 'CONT', 'PLAIN', 'PLAIN+REC', 'ALL', 'LEAN', 'LEAN+OBS+CONT'] as const;
export type Variant = (typeof VARIANTS)[number];

/** One edit of one compiled file: `from` must occur exactly `times` times (default once); each occurrence becomes `to`. */
export interface Patch {
  /** The part of the protocol the patch belongs to (OBS, CONT, PLAIN, REC, LEAN). */
  name: string;
  /** Path under dist/. */
  file: string;
  from: string;
  to: string;
  times?: number;
}

const GUEST_CPU = 'src/scenarios/vcpu/guest-cpu.js';
const ENGINE = 'src/sim/engine.js';
const PER_PTE_DEFERRED = 'src/strategies/per-pte-deferred.js';

/** per-pte-deferred's pin and unpin as tsc compiles them (src/strategies/per-pte-deferred.ts). */
const PPD_GENERATORS = `    *pin(ctx) {
        const { walkFrames, walkLevels } = ctx.mm;
        for (let i = 0; i < walkFrames.length; i++) {
            const frame = walkFrames[i]; // i < walkFrames.length
            if (ctx.testSetPinned(frame))
                continue;
            const level = walkLevels[i]; // walkLevels is as long as walkFrames
            ctx.mcUpdateVaMapping(frame, false, remapFlags(level));
            if (level === PT_PTE && ctx.splitPtlocks) {
                const ptl = ctx.ptl(frame);
                yield* ctx.lock(ptl, NEST_LOCK);
                ctx.mcMmuextOp(MMUEXT_PIN_L1_TABLE, frame);
                ctx.mcCallbackUnlock(ptl);
            }
        }
        batchedPinTopLevel(ctx);
        yield* ctx.mcIssue();
    },
    *unpin(ctx) {
        const { walkFrames, walkLevels } = ctx.mm;
        batchedUnpinTopLevel(ctx);
        for (let i = 0; i < walkFrames.length; i++) {
            const frame = walkFrames[i]; // i < walkFrames.length
            if (!ctx.testClearPinned(frame))
                continue;
            const level = walkLevels[i]; // walkLevels is as long as walkFrames
            const locked = level === PT_PTE && ctx.splitPtlocks;
            if (locked) {
                yield* ctx.lock(ctx.ptl(frame), NEST_LOCK);
                ctx.mcMmuextOp(MMUEXT_UNPIN_TABLE, frame);
            }
            ctx.mcUpdateVaMapping(frame, true, remapFlags(level));
            if (locked)
                ctx.mcCallbackUnlock(ctx.ptl(frame));
        }
        yield* ctx.mcIssue();
    },
};`;

/** The same walk, line for line, in plain functions: each `yield* ctx.lock(...)` becomes `ctx.lockNow(...)`. */
const PPD_PLAIN = `    *pin(ctx) {
        pinWalk(ctx);
        batchedPinTopLevel(ctx);
        yield* ctx.mcIssue();
    },
    *unpin(ctx) {
        unpinWalk(ctx);
        yield* ctx.mcIssue();
    },
};
function pinWalk(ctx) {
    const { walkFrames, walkLevels } = ctx.mm;
    for (let i = 0; i < walkFrames.length; i++) {
        const frame = walkFrames[i];
        if (ctx.testSetPinned(frame))
            continue;
        const level = walkLevels[i];
        ctx.mcUpdateVaMapping(frame, false, remapFlags(level));
        if (level === PT_PTE && ctx.splitPtlocks) {
            const ptl = ctx.ptl(frame);
            ctx.lockNow(ptl, NEST_LOCK);
            ctx.mcMmuextOp(MMUEXT_PIN_L1_TABLE, frame);
            ctx.mcCallbackUnlock(ptl);
        }
    }
}
function unpinWalk(ctx) {
    const { walkFrames, walkLevels } = ctx.mm;
    batchedUnpinTopLevel(ctx);
    for (let i = 0; i < walkFrames.length; i++) {
        const frame = walkFrames[i];
        if (!ctx.testClearPinned(frame))
            continue;
        const level = walkLevels[i];
        const locked = level === PT_PTE && ctx.splitPtlocks;
        if (locked) {
            ctx.lockNow(ctx.ptl(frame), NEST_LOCK);
            ctx.mcMmuextOp(MMUEXT_UNPIN_TABLE, frame);
        }
        ctx.mcUpdateVaMapping(frame, true, remapFlags(level));
        if (locked)
            ctx.mcCallbackUnlock(ctx.ptl(frame));
    }
}`;

/** The vCPU's `unlock`, before which PLAIN inserts `lockNow`. */
const UNLOCK_METHOD = '    unlock(lockId) {\n';
/** PLAIN's lockNow: the vCPU's own `lock`, asserted performed in its call; `requested` cleared as `yield*` does. */
const LOCK_NOW_BODY = `        const e = this.lock(lockId, options);
        if (!e.performed)
            throw new ModelError('ablation PLAIN: a lock not performed in its call (the plain walk is valid only with one vCPU)');
        e.requested = false;
`;
/** REC's lockNow: no effect record; the debt paid and the lock taken directly, each asserted done in the call. */
const LOCK_NOW_DIRECT = `        const engine = this.inline;
        if (engine === null || this.takenHead !== this.takenCount || this.owedNs !== NO_OWED)
            throw new ModelError('ablation REC: a lock that cannot run in its call (valid only with one vCPU)');
        const owed = this.debtNs + this.stolenNs;
        if (owed > 0 && !engine.continueAfter(this.payDebt(engine, owed)))
            throw new ModelError('ablation REC: the debt before a lock ends the turn (valid only with one vCPU)');
        if (this.acquire(engine, lockId, options.nest === true) !== LOCAL)
            throw new ModelError('ablation REC: a lock not taken in its call (valid only with one vCPU)');
`;

/** Engine.continueAfter's body after its first line, as tsc compiles it (src/sim/engine.ts). */
const CONTINUE_AFTER_TESTS = `        const t = this.now + costNs;
        // While a process runs, \`run\` keeps it at the root of the heap (see there): the earliest other queued process is
        // one of the root's two children. (In \`runSingle\` the heap is empty.)
        const n = this.heapSize;
        if (n > 1) {
            const heapTime = this.heapTime;
            const left = heapTime[1]; // 1 < n <= the heap's length
            if (left <= t || (n > 2 && heapTime[2] <= t))
                return false;
        }
        // Back to the run loop when the watch is due, so a process that would run on for ever is still checked.
        if (this.events >= this.nextCheck)
            return false;
        this.now = t;
`;

/** The vCPU's `lock` as compiled, up to where LEAN inserts its fast path. */
const LOCK_HEAD = `    lock(lockId, options) {
        const nest = options !== undefined && options.nest === true;
`;
const LEAN_FAST_PATH = `        const engine0 = this.inline;
        const e0 = this.eff;
        if (engine0 !== null && this.takenHead === this.takenCount && this.owedNs === NO_OWED && !e0.requested) {
            const owed = this.debtNs + this.stolenNs;
            if (owed === 0 || engine0.continueAfter(this.payDebt(engine0, owed))) {
                e0.kind = E_LOCK;
                const r = this.acquire(engine0, lockId, nest);
                if (r === LOCAL)
                    return LEAN_PERFORMED;
                this.effect(E_LOCK, lockId, 0, 0, nest);
                e0.started = true;
                this.owedNs = r;
                this.inline = null;
                return e0;
            }
            this.effect(E_LOCK, lockId, 0, 0, nest);
            e0.started = true;
            this.parked = PARK_EFFECT;
            this.owedNs = owed;
            this.inline = null;
            return e0;
        }
`;
/** What the vCPU does with a program's yield (act), where LEAN lets a hand-written program yield LEAN_PERFORMED. */
const ACT_YIELD = `            const e = this.eff;
            if (n.value !== e || !e.requested)
                this.badYield(n.value);
            e.requested = false;
            // Not started inside its context call: it runs now. Started: it is done, or parked where it stopped.
            if (!e.started)
                this.parked = PARK_EFFECT;
`;
/** A program that \`yield\`s what \`lock\` returns (racing-writer.ts) yields LEAN_PERFORMED for a lock done: it goes on. */
const ACT_YIELD_LEAN = `            if (n.value !== LEAN_PERFORMED) {
${ACT_YIELD}            }
`;
/** The module constant LEAN's fast path returns: an effect already done, which `yield*` finishes at once. */
const LOCAL_CONST = 'const LOCAL = -3;\n';
const LEAN_CONSTANTS = `const LEAN_DONE = { done: true, value: undefined };
const LEAN_PERFORMED = { __effect: true, [Symbol.iterator]() { return this; }, next() { return LEAN_DONE; } };
`;

/** The patches, each a short exact replacement; a variant applies its parts' patches in this order. */
export const PATCHES: readonly Patch[] = [
  { name: 'OBS', file: GUEST_CPU, from: 'const obs = this.observer;', to: 'const obs = null;', times: 11 },
  {
    name: 'CONT',
    file: ENGINE,
    from: `    continueAfter(costNs) {\n${CONTINUE_AFTER_TESTS}`,
    to: '    continueAfter(costNs) {\n        this.now += costNs;\n',
  },
  { name: 'PLAIN', file: PER_PTE_DEFERRED, from: PPD_GENERATORS, to: PPD_PLAIN },
  {
    name: 'PLAIN',
    file: GUEST_CPU,
    from: UNLOCK_METHOD,
    to: `    lockNow(lockId, options) {\n${LOCK_NOW_BODY}    }\n${UNLOCK_METHOD}`,
  },
  { name: 'REC', file: GUEST_CPU, from: LOCK_NOW_BODY, to: LOCK_NOW_DIRECT },
  { name: 'LEAN', file: GUEST_CPU, from: LOCAL_CONST, to: LOCAL_CONST + LEAN_CONSTANTS },
  { name: 'LEAN', file: GUEST_CPU, from: LOCK_HEAD, to: LOCK_HEAD + LEAN_FAST_PATH },
  { name: 'LEAN', file: GUEST_CPU, from: ACT_YIELD, to: ACT_YIELD_LEAN },
];

/** Each variant's parts, applied in PATCHES' order. */
export const VARIANT_PARTS: Readonly<Record<Variant, readonly string[]>> = {
  OBS: ['OBS'],
  CONT: ['CONT'],
  PLAIN: ['PLAIN'],
  'PLAIN+REC': ['PLAIN', 'REC'],
  ALL: ['OBS', 'CONT', 'PLAIN', 'REC'],
  LEAN: ['LEAN'],
  'LEAN+OBS+CONT': ['OBS', 'CONT', 'LEAN'],
};

/** An anchor found another number of times than its patch says: the build's code changed under the ablation. */
export class AnchorError extends Error {
  override name = 'AnchorError';
}

/** How often `needle` occurs in `text`, without overlaps. */
function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * The edited text of each file `variant` patches, from the files of `dist` (a build's dist/ directory). Throws
 * AnchorError naming the variant, the file and the anchor when an anchor is not found exactly as often as its patch
 * says. Writes nothing.
 */
export function patchedFiles(dist: string, variant: Variant): Map<string, string> {
  const parts = VARIANT_PARTS[variant];
  const files = new Map<string, string>();
  for (const patch of PATCHES.filter((p) => parts.includes(p.name))) {
    const text = files.get(patch.file) ?? readFileSync(join(dist, patch.file), 'utf8');
    const want = patch.times ?? 1;
    const found = occurrences(text, patch.from);
    if (found !== want) {
      const anchor = patch.from.split('\n').find((line) => line.trim() !== '') ?? patch.from;
      throw new AnchorError(
        `variant ${variant}: the anchor of patch ${patch.name} in ${patch.file} (${JSON.stringify(anchor.trim())}${
          patch.from.includes('\n') ? ' ...' : ''
        }) is found ${found} times, not ${want}: the engine's code changed: update the ablation (benchmarks/speed/ablation-variants.ts)`,
      );
    }
    files.set(patch.file, text.split(patch.from).join(patch.to));
  }
  return files;
}

/**
 * A scratch copy of `dist`'s src/ at `root`/dist/src, edited for `variant` (undefined: unedited, the base), with
 * what an ES module there needs to load: a package.json of type module and the checkout's node_modules (linked).
 * Returns the copy's dist directory. Checks every anchor before it writes anything.
 */
export function buildVariant(dist: string, root: string, variant: Variant | undefined, nodeModules: string): string {
  const files = variant === undefined ? new Map<string, string>() : patchedFiles(dist, variant);
  const out = join(root, 'dist');
  mkdirSync(out, { recursive: true });
  cpSync(join(dist, 'src'), join(out, 'src'), { recursive: true });
  for (const [file, text] of files) writeFileSync(join(out, file), text);
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(nodeModules, join(root, 'node_modules'), 'dir');
  return out;
}

/** The cycle (per-pte-deferred, 4level, current, 1 vCPU, no dwell) with `ptePages` PTE pages. */
export function cycleParams(ptePages: number, iterations: number, vcpus = 1): Record<string, unknown> {
  return { strategy: 'per-pte-deferred', mode: '4level', kernel: 'current', ptePages, vcpus, iterations, dwellNs: 0 };
}

/**
 * A run of the cycle as `pinbench compare` sees it (a results file's run, reduced to what diffExact reads:
 * its status and its metrics), with its events and virtual time.
 */
export interface ExactRun {
  run: RunResult;
  events: number;
  virtualNs: number;
}

interface Modules {
  scenarios: {
    resolveParams(input: Record<string, unknown>): unknown;
    runScenario(params: unknown): { events: number; metrics: RunMetrics };
  };
  validity: { invalidReasons(metrics: unknown, strategy: { name: string; raceFree: boolean }): string[] };
  strategies: { getStrategy(name: string): { name: string }; claimsRaceFree(strategy: unknown): boolean };
}

const importDist = async (dist: string, file: string): Promise<unknown> => import(pathToFileURL(join(dist, file)).href);

/**
 * Run `params` on the build at `dist` (its own modules) and make of it the run the runner would record: ok, or
 * invalid with the runner's invalidReasons (runner/validity), or an error with its message.
 */
export async function exactRun(dist: string, params: Record<string, unknown>): Promise<ExactRun> {
  const m: Modules = {
    scenarios: (await importDist(dist, 'src/scenarios/index.js')) as Modules['scenarios'],
    validity: (await importDist(dist, 'src/runner/validity.js')) as Modules['validity'],
    strategies: (await importDist(dist, 'src/strategies/registry.js')) as Modules['strategies'],
  };
  const base = { id: 'ablation', kind: 'scenario', params, splitPtlocks: true, raceFree: true };
  try {
    const output = m.scenarios.runScenario(m.scenarios.resolveParams(params));
    const strategy = m.strategies.getStrategy(String(params.strategy));
    const reasons = m.validity.invalidReasons(output.metrics, {
      name: strategy.name,
      raceFree: m.strategies.claimsRaceFree(strategy),
    });
    const status = reasons.length > 0 ? { status: 'invalid', reasons } : { status: 'ok' };
    const run = { ...base, ...status, metrics: output.metrics } as unknown as RunResult;
    return { run, events: output.events, virtualNs: output.metrics.virtualNs };
  } catch (error) {
    const run = { ...base, status: 'error', error: (error as Error).message } as unknown as RunResult;
    return { run, events: -1, virtualNs: -1 };
  }
}

/**
 * How `variant`'s run differs from `base`'s: events, virtual time, then the status and each exact metric as
 * `pinbench compare` diffs them (results/diff-exact's diffExact). Empty: none.
 */
export function exactDifferences(base: ExactRun, variant: ExactRun): string[] {
  const out: string[] = [];
  if (base.events !== variant.events) out.push(`events: ${base.events} -> ${variant.events}`);
  if (base.virtualNs !== variant.virtualNs) out.push(`virtualNs: ${base.virtualNs} -> ${variant.virtualNs}`);
  for (const change of diffExact(base.run, variant.run).changes)
    out.push(`${change.metric}: ${String(change.baseline)} -> ${String(change.current)}`);
  return out;
}
