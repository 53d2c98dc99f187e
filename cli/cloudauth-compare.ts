import { ImageType, prepareImages } from '../cloudauth';
import { clientFromOptions, connectionOptions, printCloudauthError } from './cloudauth';
import { parseCommandArgs, usageError, printJson, type CliIo } from './io';

const USAGE = `usage: renzheng compare SOURCE TARGET --provider cloudauth [--endpoint URL] --key-id ID --key-secret SECRET
         [--api-version 2018-09-16|2019-03-07] [--source-type FacePic|IDPic] [--target-type FacePic|IDPic]
         [--format JSON|XML] [--region cn-hangzhou] [--timeout-ms N]
SOURCE and TARGET are image files, data: URLs, or http(s):// / oss://bucket:path URLs. Types default to FacePic.
Prints the Data object of CompareFaces: {"SimilarityScore":…,"ConfidenceThresholds":"…"}.
`;

/** `renzheng compare … --provider cloudauth`: compare.ts hands its whole argv here. */
export async function runCloudauthCompare(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(io, 'compare', USAGE, {
    args,
    options: {
      ...connectionOptions,
      provider: { type: 'string' },
      'source-type': { type: 'string', default: 'FacePic' },
      'target-type': { type: 'string', default: 'FacePic' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.provider !== undefined && values.provider !== 'cloudauth') {
    return usageError(io, 'compare', `this form needs --provider cloudauth`, USAGE);
  }
  if (positionals.length !== 2) {
    return usageError(io, 'compare', `expected SOURCE and TARGET, got ${positionals.length} image(s)`, USAGE);
  }
  const sourceType = ImageType.safeParse(values['source-type']);
  const targetType = ImageType.safeParse(values['target-type']);
  if (!sourceType.success || !targetType.success) {
    return usageError(io, 'compare', `--source-type and --target-type must be FacePic or IDPic`, USAGE);
  }
  try {
    const client = clientFromOptions(values, io);
    const [source, target] = await prepareImages(positionals);
    const result = await client.compareFaces({
      SourceImageType: sourceType.data,
      SourceImageValue: source!.value,
      TargetImageType: targetType.data,
      TargetImageValue: target!.value,
    });
    printJson(io, result.Data);
    return 0;
  } catch (error) {
    return printCloudauthError(io, error);
  }
}
