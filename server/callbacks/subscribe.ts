import { ActionError } from '../context';
import { CallbackSeed, CallbackUrl } from './notify';

/** CallbackUrl and CallbackSeed come together or not at all; a bad one refuses the request before anything is issued. */
export function checkCallbackParams(url: string | undefined, seed: string | undefined): { url: string; seed: string } | undefined {
  if (url === undefined && seed === undefined) return undefined;
  if (url === undefined || seed === undefined) throw new ActionError('InvalidParam.ParamMissing', 'CallbackUrl and CallbackSeed are given together.');
  if (!CallbackUrl.safeParse(url).success) throw new ActionError('InvalidParam.ParamMissing', 'CallbackUrl must be an http(s) URL.');
  if (!CallbackSeed.safeParse(seed).success) throw new ActionError('InvalidParam.ParamMissing', 'CallbackSeed must be 8 to 128 characters.');
  return { url, seed };
}

