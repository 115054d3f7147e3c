import { simulateUsage } from '../../simulate-arguments';
import { CommandGroup, type SagaCommand } from '../command';

export const simulateCommand: SagaCommand = {
  name: 'simulate',
  group: CommandGroup.offline,
  summary: 'run a definition file on a virtual clock, no database or broker',
  usage: simulateUsage('saga simulate').split('\n'),
  async run(argv, context) {
    // Loaded when used: the definition compiler is most of what `saga` would load otherwise.
    const { simulateCommand: simulateDefinition } = await import('../../simulate-command');
    return simulateDefinition(argv, context, 'saga simulate');
  },
};
