import type { Argv, CommandModule } from 'yargs';

/** What `pinbench list` can list. */
export const LIST_TOPICS = ['strategies', 'suites', 'profiles', 'scenarios'] as const;
export type ListTopic = (typeof LIST_TOPICS)[number];

/** Arguments of `pinbench list`. */
export interface ListArgs {
  what?: ListTopic;
  json: boolean;
  strategyModule: string[];
}

/** `pinbench list [strategies|suites|profiles|scenarios]`: what can be run. */
export const listCommand: CommandModule<object, ListArgs> = {
  command: 'list [what]',
  describe: 'List strategies, suites, cost profiles or scenarios (all of them without an argument)',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('what', { choices: LIST_TOPICS, describe: 'what to list' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of text' })
      .option('strategy-module', {
        type: 'string',
        array: true,
        default: [] as string[],
        requiresArg: true,
        describe: 'also load strategies from this module (as `run --strategy-module`); repeatable',
      })
      .example('$0 list strategies', 'the registered strategies, one line each') as unknown as Argv<ListArgs>,
  handler: async (args) => {
    const { runListCommand } = await import('../list-handler.js');
    process.exitCode = await runListCommand(args);
  },
};

export default listCommand;
