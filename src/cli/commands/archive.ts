import type { CommandRegistrar } from '../main';

// PLACEHOLDER: replaced by the owner of this command.
export const registerArchive: CommandRegistrar = (program) => {
  program
    .command('archive')
    .description('(not built yet)')
    .action(() => {
      throw new Error('hashbrief archive is not built yet');
    });
};
