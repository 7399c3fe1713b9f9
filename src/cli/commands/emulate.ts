import type { CommandRegistrar } from '../main';

// PLACEHOLDER: replaced by the owner of this command.
export const registerEmulate: CommandRegistrar = (program) => {
  program
    .command('emulate')
    .description('(not built yet)')
    .action(() => {
      throw new Error('hashbrief emulate is not built yet');
    });
};
