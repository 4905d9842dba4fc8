import type { CommandSpec, ParsedCommandLine } from '../../options.js';

/** What `pinbench list` can list. */
export const LIST_TOPICS = ['strategies', 'suites', 'profiles', 'scenarios'] as const;
export type ListTopic = (typeof LIST_TOPICS)[number];

/** Arguments of `pinbench list`. */
export interface ListArgs {
  what?: ListTopic;
  json: boolean;
  strategyModule: string[];
}

export const listSpec: CommandSpec = {
  name: 'list',
  summary: 'List strategies, suites, cost profiles or scenarios (all of them without an argument).',
  positionals: [{ name: 'what', describe: 'what to list', choices: LIST_TOPICS }],
  options: {
    json: { kind: 'boolean', describe: 'print JSON instead of text' },
    'strategy-module': {
      kind: 'strings',
      valueName: 'FILE',
      describe: 'also load strategies from this module (as `run --strategy-module`); repeatable',
    },
  },
  examples: [['pinbench list strategies', 'the registered strategies, one line each']],
};

export function listArgs(parsed: ParsedCommandLine): ListArgs {
  return {
    what: parsed.positionals.what as ListTopic | undefined,
    json: parsed.options.json as boolean,
    strategyModule: parsed.options.strategyModule as string[],
  };
}
