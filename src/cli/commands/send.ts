import type { CommandRegistrar } from '../main';

// PLACEHOLDER: replaced by the owner of this command.
export const registerSend: CommandRegistrar = (program) => {
  program
    .command('send')
    .description('(not built yet)')
    .action(() => {
      throw new Error('hashbrief send is not built yet');
    });
};
