import type { CommandRegistrar } from '../main';

// PLACEHOLDER: replaced by the owner of this command.
export const registerRun: CommandRegistrar = (program) => {
  program
    .command('run')
    .description('(not built yet)')
    .action(() => {
      throw new Error('hashbrief run is not built yet');
    });
};
