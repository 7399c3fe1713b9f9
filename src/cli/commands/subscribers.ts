import type { CommandRegistrar } from '../main';

// PLACEHOLDER: replaced by the owner of this command.
export const registerSubscribers: CommandRegistrar = (program) => {
  program
    .command('subscribers')
    .description('(not built yet)')
    .action(() => {
      throw new Error('hashbrief subscribers is not built yet');
    });
};
