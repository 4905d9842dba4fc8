// The charts of the HTML report as data: what each draws (its kind and fields), its title, and the one sentence
// that says what to look for. The page (html.ts) lays out a figure per spec; the browser client
// (client/main.ts) draws each spec with the renderer of its kind. A new chart of an existing kind is one entry here.
import type { ChartSpec } from './types.js';

/** Sections of the full report, in order, with their one-paragraph introductions. */
export const SECTIONS: ReadonlyArray<{ id: string; title: string; intro: string }> = [
  {
    id: 'hypercalls',
    title: 'Hypercalls and multicall batching',
    intro:
      'What each strategy asks of Xen per pin/unpin cycle. Counts are run totals divided by the number of pins ' +
      '(one pin and one unpin per cycle); they are exact for a given seed.',
  },
  {
    id: 'locks',
    title: 'Preemption and locks',
    intro:
      'Each held spinlock adds one to the preempt count. Hold and wait times are virtual nanoseconds under the cost profile.',
  },
  {
    id: 'race',
    title: 'The race: write-protect faults',
    intro:
      'A racing vCPU that stores to a PTE page after it was remapped read-only but before Xen validated it as an L1 ' +
      'gets a write-protect fault: the bug the seed patch fixes.',
  },
  {
    id: 'throughput',
    title: 'Throughput (virtual time)',
    intro: 'Pins per virtual second: what the model says the real system would achieve under the cost profile.',
  },
  {
    id: 'toolkit',
    title: "The toolkit's own speed (wall clock, noisy)",
    intro:
      'How fast the simulator itself runs on this machine. These numbers vary from run to run and machine to machine; ' +
      'they track the toolkit, not the strategies.',
  },
];

/** Every chart of the full report except the optional ones (micro-benchmarks, comparisons), in page order. */
export const CHARTS: readonly ChartSpec[] = [
  {
    kind: 'lines',
    id: 'chart-traps',
    section: 'hypercalls',
    title: 'Hypercall traps per pin/unpin cycle',
    free: ['ptePages'],
    axis: 'ptePages',
    value: 'trapsPerCycle',
    yName: 'traps/cycle',
    yTitle: 'traps per cycle (log scale)',
    lookFor:
      'the batched strategies need about one trap per 32 multicall entries, so their lines stay low and parallel; ' +
      'unbatched pays one trap per sub-op. unlocked, mm-lock and whole-lock issue the same hypercalls, so their markers coincide.',
  },
  {
    kind: 'lines',
    id: 'chart-tlb-flushes',
    section: 'hypercalls',
    title: "Xen's TLB flushes for page type changes per pin/unpin cycle",
    free: ['ptePages'],
    axis: 'ptePages',
    value: 'tlbFlushesPerCycle',
    yName: 'TLB flushes/cycle',
    yTitle: 'TLB flushes per cycle (log scale)',
    lookFor:
      'per-pte-deferred and unbatched pin each PTE page right after its RO remap, so nearly every PIN_L1 (and every ' +
      'unpin-side RW remap) makes Xen flush: their lines grow with the size, while the strategies that remap everything ' +
      'first flush about once per pin. A run of one vCPU flushes locally; with writers, each flush also interrupts them.',
  },
  {
    kind: 'lines',
    id: 'chart-flush-ipis',
    section: 'hypercalls',
    title: 'Flush IPIs to other vCPUs per pin/unpin cycle',
    free: ['ptePages'],
    axis: 'ptePages',
    value: 'flushIpisPerCycle',
    yName: 'flush IPIs/cycle',
    yTitle: 'IPIs per cycle (log scale)',
    lookFor:
      'the remote vCPUs those flushes reach: none with one vCPU (the lines are absent then), and the flushes times the ' +
      'writers whose TLB may hold the page otherwise. This is the price of the patch the traps chart does not show.',
  },
  {
    kind: 'lines',
    id: 'chart-entries',
    section: 'hypercalls',
    title: 'Multicall entries per pin/unpin cycle',
    free: ['ptePages'],
    axis: 'ptePages',
    value: 'entriesPerCycle',
    yName: 'entries/cycle',
    yTitle: 'multicall entries per cycle (log scale)',
    lookFor:
      'per-pte-deferred queues two entries per PTE page (the RO remap, then PIN_L1 or UNPIN) where the 2007 walk queued one, ' +
      'so its line sits about twice as high; unbatched issues no multicalls at all.',
  },
  {
    kind: 'batch-histogram',
    id: 'chart-batch-hist',
    section: 'hypercalls',
    title: 'Multicall batch sizes',
    free: [],
    lookFor:
      'most multicalls should be full (MC_BATCH entries); many small batches mean flushes forced early by callbacks or ' +
      'argument bytes. Drawn at one size: the PTE pages filter.',
  },
  {
    kind: 'flush-reasons',
    id: 'chart-flush',
    section: 'hypercalls',
    title: 'Intermediate flushes by reason',
    free: [],
    lookFor:
      'flushes for "slots" are the normal case; flushes for "callbacks" (one deferred unlock per PTE page) or "args" end a ' +
      'batch before it is full and cost extra traps.',
  },
  {
    kind: 'preempt',
    id: 'chart-preempt',
    section: 'locks',
    title: 'Maximum preempt count depth',
    free: ['ptePages'],
    lookFor:
      'a marker on or above the dashed PREEMPT line has overflowed into the softirq field (crossed ✕): whole-lock does ' +
      'once N+1 reaches 2^PREEMPT_BITS, while per-pte-deferred stays near 18 whatever the size.',
  },
  {
    kind: 'lock-hold',
    id: 'chart-ptl-hold',
    section: 'locks',
    title: 'Split PTE lock hold time',
    free: [],
    lock: 'ptl',
    lockName: 'PTE lock',
    emptyText: 'No PTE lock was taken in the runs shown.',
    lookFor:
      'per-pte-deferred holds each PTE lock only until its batch is flushed, whole-lock holds all of them through the whole ' +
      'pin, so its bar sits far higher. Only summary statistics are recorded, not whole distributions: the thin line spans ' +
      'min to max, the thick bar p50 to p99, the black tick is p50 and ◆ the mean; over several seeds min and max are the ' +
      'extremes, p50 and p99 the largest (an upper bound of the pooled percentile) and the mean pooled.',
  },
  {
    kind: 'lock-hold',
    id: 'chart-mmlock-hold',
    section: 'locks',
    title: 'mm->page_table_lock hold time',
    free: [],
    lock: 'pageTableLock',
    lockName: 'page_table_lock',
    emptyText: 'page_table_lock was not taken in the runs shown.',
    lookFor:
      'every strategy holds page_table_lock around each pin and unpin (dup_mmap, exit_mmap); under mm-lock the racing writers ' +
      'also need it, so a long hold here is their wait. Same glyphs as the PTE lock chart.',
  },
  {
    kind: 'writer-wait',
    id: 'chart-writer-wait',
    section: 'locks',
    title: 'Writer wait: p50 (solid) and p99 (dashed)',
    free: ['vcpus'],
    lookFor:
      'a p99 that climbs with the vCPUs means writers queue behind the pinner: mm-lock and whole-lock should climb, ' +
      "per-pte-deferred should stay near one batch. Wait is lockstat's waittime of contended acquisitions (all vCPUs) of the " +
      'lock the writers take: page_table_lock under mm-lock, the split PTE lock otherwise.',
  },
  {
    kind: 'faults',
    id: 'chart-faults',
    section: 'race',
    title: 'Write-protect faults: the race',
    free: ['ptePages', 'vcpus'],
    lookFor:
      'only the strategies marked (racy), which do not claim to be race-free (unlocked, per-pte-early-unlock), may have a ' +
      'bar: their faults are the race, expected. A strategy that claims to be race-free and faults is not drawn with the ' +
      'others: its runs are invalid (marked ✗ invalid). Summed over every size and vCPU count of the result set (the ' +
      'other filters apply).',
  },
  {
    kind: 'lines',
    id: 'chart-tput-size',
    section: 'throughput',
    title: 'Virtual throughput against mm size',
    free: ['ptePages'],
    axis: 'ptePages',
    value: 'pinsPerSec',
    yName: 'pins/s',
    yTitle: 'pins per virtual second (log scale)',
    lookFor: 'higher is better; a line that falls faster than the others pays more per PTE page.',
  },
  {
    kind: 'lines',
    id: 'chart-tput-vcpus',
    section: 'throughput',
    title: 'Virtual throughput against vCPUs',
    free: ['vcpus'],
    axis: 'vcpus',
    value: 'pinsPerSec',
    yName: 'pins/s',
    yTitle: 'pins per virtual second (log scale)',
    lookFor: 'higher is better; a line that drops as writers are added means the pinner stalls behind them (or they behind it).',
  },
  {
    kind: 'wall',
    id: 'chart-wall',
    section: 'toolkit',
    title: 'Toolkit wall-clock time per pin/unpin cycle (noisy)',
    free: ['ptePages'],
    lookFor:
      "this is the simulator's cost per simulated cycle, not the model's answer: use it to catch toolkit slowdowns. " +
      "Error bars are ±rme (tinybench's relative margin of error) where the run was repeated.",
  },
];

/** The micro-benchmarks' chart, on pages of a micro suite. */
export const MICRO_CHART: ChartSpec = {
  kind: 'micro',
  id: 'chart-micro',
  section: 'toolkit',
  title: 'Micro-benchmarks (tinybench, noisy)',
  free: ['*'],
  lookFor:
    "the hot paths of the toolkit. Error bars are ±rme, tinybench's relative margin of error at 95 % confidence: bars whose " +
    'error bars overlap are not different.',
};

const COMPARE_LOOK_FOR =
  "dots away from the line at 1 (each is the geometric mean of current ÷ baseline over a strategy's run pairs). An exact " +
  'metric that changed means the model or a strategy behaves differently, never ' +
  'noise; the wall-time ratio is noisy, so judge it with `pinbench compare`, which tests the raw samples.';

/** The chart of comparison `index` (a later result set against the first). */
export function comparisonChart(index: number): ChartSpec {
  return {
    kind: 'comparison',
    id: `chart-compare-${index}`,
    section: 'comparison',
    title: '',
    free: ['*'],
    comparison: index,
    lookFor: COMPARE_LOOK_FOR,
  };
}
