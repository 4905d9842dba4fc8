import { COST_PROFILES, DEFAULT_PROFILE } from '../../../hv/cost-profiles.js';
import { matrixRunCount } from '../../../runner/matrix-size.js';
import { loadStrategyModules } from '../../../runner/strategy-modules.js';
import { DEFAULT_SUITE, listSuiteNames, loadSuite } from '../../../runner/suites.js';
import { DEFAULT_PARAMS, SCENARIOS } from '../../../scenarios/defaults.js';
import { allStrategies, claimsRaceFree, listStrategies } from '../../../strategies/registry.js';
import { EXIT_OK, type ExitCode } from '../../errors.js';
import type { Io } from '../../io.js';
import { strategyModulePaths } from '../../strategy-module-paths.js';
import { renderColumns } from '../../text-table.js';
import { LIST_TOPICS, type ListArgs, type ListTopic } from './args.js';

interface Item {
  name: string;
  description: string;
  /** Extra column: the default marker, a run count. */
  note?: string;
  /** Strategies: whether it claims to be race-free (false: a deliberately racy variant). */
  raceFree?: boolean;
}

/** `pinbench list`: print the items of one topic (or of every topic) as text or JSON. */
export async function runListCommand(args: ListArgs, io: Io): Promise<ExitCode> {
  const modules = strategyModulePaths(args.strategyModule);
  await loadStrategyModules(modules);
  const topics: readonly ListTopic[] = args.what === undefined ? LIST_TOPICS : [args.what];
  const listed: Partial<Record<ListTopic, Item[]>> = {};
  for (const topic of topics) listed[topic] = await itemsOf(topic);

  if (args.json) {
    io.stdout(JSON.stringify(args.what === undefined ? listed : listed[args.what], null, 2) + '\n');
    return EXIT_OK;
  }
  const blocks = topics.map((topic) => {
    const items = listed[topic] ?? [];
    const rows = items.map((item) => [item.name, item.note ?? '', item.description]);
    const table = renderColumns(rows);
    return args.what === undefined ? `${topic}:\n${indent(table)}` : table;
  });
  io.stdout(blocks.join('\n\n') + '\n');
  return EXIT_OK;
}

async function itemsOf(topic: ListTopic): Promise<Item[]> {
  switch (topic) {
    case 'strategies':
      return allStrategies().map((s) => ({
        name: s.name,
        description: s.description,
        note: [
          s.name === DEFAULT_PARAMS.strategy ? '(default of a single run)' : '',
          claimsRaceFree(s) ? '' : '(racy: faults expected)',
        ]
          .filter(Boolean)
          .join(' '),
        raceFree: claimsRaceFree(s),
      }));
    case 'profiles':
      return Object.values(COST_PROFILES).map((p) => ({
        name: p.name,
        description: p.description,
        note: p.name === DEFAULT_PROFILE ? '(default)' : '',
      }));
    case 'scenarios':
      return SCENARIOS.map((name) => ({
        name,
        description:
          'vCPU 0 pins, dwells and unpins an mm in a loop (fork/exit); vCPUs 1.. race it with PTE stores through the reverse map',
        note: name === DEFAULT_PARAMS.scenario ? '(default)' : '',
      }));
    case 'suites': {
      const items: Item[] = [];
      for (const name of await listSuiteNames()) {
        const { suite } = await loadSuite(name);
        const runs = suite.kind === 'scenario' ? matrixRunCount(suite.matrices, listStrategies().length) : suite.tasks().length;
        const note = `${runs} ${suite.kind === 'micro' ? 'micro-benchmarks' : 'runs'}${name === DEFAULT_SUITE ? ' (default)' : ''}`;
        items.push({ name, description: suite.description, note });
      }
      return items;
    }
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
