import type { CliCommand } from './io';
import { printError } from './io';

// Owned by the issue that builds this command; replaced wholesale there.
export const run: CliCommand = async (_args, io) => {
  printError(io, 'NotBuilt', 'renzheng compare is not available in this build.');
  return 2;
};
