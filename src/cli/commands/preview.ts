import type { CommandRegistrar } from '../main';

// PLACEHOLDER: replaced by the owner of this command.
export const registerPreview: CommandRegistrar = (program) => {
  program
    .command('preview')
    .description('(not built yet)')
    .action(() => {
      throw new Error('hashbrief preview is not built yet');
    });
};
