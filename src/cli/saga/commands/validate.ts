import { validateUsage } from '../../validate-usage';
import { CommandGroup, type SagaCommand } from '../command';

export const validateCommand: SagaCommand = {
  name: 'validate',
  group: CommandGroup.offline,
  summary: 'check definition files without starting anything',
  usage: validateUsage('saga validate').split('\n'),
  async run(argv, context) {
    // Loaded when used: the definition compiler is most of what `saga` would load otherwise.
    const { validateCommand: validateDefinitions } = await import('../../validate-command');
    return validateDefinitions(argv, context, 'saga validate');
  },
};
