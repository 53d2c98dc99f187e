import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { maskIdNumber } from '../idcard/id-number';
import { idNumberProblem } from '../server/business/schemes';
import { ReferenceStore } from '../server/references/store';
import type { Repository } from '../server/repository/types';
import type { SecretBox } from '../server/crypto';
import { printError, printJson, type CliIo } from './io';

export interface ReferenceArgs {
  verb: string | undefined;
  idNumber?: string;
  name?: string;
  photo?: string;
  retentionDays?: number;
}

/** `renzheng server references add|list|delete`; the repository and keys are opened by the caller. */
export async function referencesCommand(io: CliIo, repo: Repository, keys: { biometrics: SecretBox; tokenKey: Buffer }, args: ReferenceArgs, usage: string): Promise<number> {
  const store = new ReferenceStore({ repo, biometrics: keys.biometrics, indexKey: keys.tokenKey, now: () => new Date(), randomHex: (n) => randomBytes(n).toString('hex'), retentionDays: args.retentionDays });
  if (args.verb === 'list') {
    printJson(io, await store.list());
    return 0;
  }
  const id = args.idNumber?.toUpperCase();
  if (args.verb === 'delete') {
    if (!id) {
      io.stderr(`renzheng server references delete: --id-number is required\n${usage}`);
      return 2;
    }
    if (!(await store.delete(id))) {
      printError(io, 'ReferenceNotFound', `No reference is enrolled for ${maskIdNumber(id)}; see \`renzheng server references list\`.`);
      return 1;
    }
    printJson(io, { IdentificationNumber: maskIdNumber(id), Deleted: true });
    return 0;
  }
  if (args.verb === 'add') {
    if (!id || !args.name || !args.photo) {
      io.stderr(`renzheng server references add: --id-number, --name and --photo FILE are required\n${usage}`);
      return 2;
    }
    const problem = idNumberProblem(id);
    if (problem) {
      printError(io, 'InvalidIdNumber', `The ID number is not valid (${problem}); check it against the card.`);
      return 1;
    }
    let photo: Buffer;
    try {
      photo = await readFile(args.photo);
    } catch (error) {
      printError(io, 'PhotoUnreadable', `Cannot read ${args.photo}: ${(error as NodeJS.ErrnoException).code ?? 'error'}; give a JPEG, PNG or BMP file.`);
      return 1;
    }
    // An operator adds a reference with the person present; their consent is the operator's to record.
    const reference = await store.enroll({ idNumber: id, name: args.name, photo, sourceKiosk: 'cli', consent: { source: 'operator', at: new Date().toISOString(), wording: 'operator-cli' } });
    printJson(io, { IdentificationNumber: maskIdNumber(reference.idNumber), Name: reference.name, CardType: reference.cardType, EnrolledAt: reference.enrolledAt });
    return 0;
  }
  io.stderr(`renzheng server references: unknown subcommand '${args.verb ?? ''}'\n${usage}`);
  return 2;
}
