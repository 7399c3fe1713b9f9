import type { CommandRegistrar } from '../main';

// PLACEHOLDER: replaced by the owner of this command.
export const registerReport: CommandRegistrar = (program) => {
  program
    .command('report')
    .description('(not built yet)')
    .action(() => {
      throw new Error('hashbrief report is not built yet');
    });
};
