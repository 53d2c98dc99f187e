import { MAX_IMAGE_BYTES, type HttpMethod } from '../../cloudauth';
import { objectAad, type ServiceContext } from '../context';
import { fetchImage, ImageFetchError } from './fetch-image';

/** The STS upload area of the own store: oss://BUCKET:PATH is the object `sts/PATH`. */
export const stsObjectKey = (path: string): string => `sts/${path}`;

/**
 * An image parameter value → its bytes: base64:// (POST only, as the guide says), http(s)://
 * fetched under the address policy, or oss://BUCKET:PATH from the service's own store.
 * Throws ImageFetchError with a message safe to return.
 */
export async function resolveImage(ctx: ServiceContext, value: string, method: HttpMethod): Promise<Buffer> {
  let bytes: Buffer;
  if (value.startsWith('base64://')) {
    if (method !== 'POST') throw new ImageFetchError('base64:// images must be sent with POST');
    bytes = Buffer.from(value.slice('base64://'.length), 'base64');
  } else if (/^https?:\/\//.test(value)) {
    bytes = await fetchImage(value, { policy: ctx.addresses, maxBytes: MAX_IMAGE_BYTES, timeoutMs: ctx.settings.imageFetchTimeoutMs, resolve: ctx.resolve });
  } else if (value.startsWith('oss://')) {
    const rest = value.slice('oss://'.length);
    const colon = rest.indexOf(':');
    const bucket = rest.slice(0, colon);
    const path = rest.slice(colon + 1);
    if (colon <= 0 || bucket !== ctx.settings.bucket) throw new ImageFetchError(`oss:// images must be in this service's bucket ${ctx.settings.bucket} (upload them with the StsToken)`);
    const stored = await ctx.repo.getObject(stsObjectKey(path));
    if (!stored) throw new ImageFetchError('the oss:// image does not exist (or was purged)');
    bytes = ctx.biometrics.open(stored.sealed, objectAad(stored.key));
  } else {
    throw new ImageFetchError('an image must be base64://, http(s):// or oss://');
  }
  if (bytes.length === 0) throw new ImageFetchError('the image is empty');
  if (bytes.length > MAX_IMAGE_BYTES) throw new ImageFetchError(`the image is ${bytes.length} bytes; at most ${MAX_IMAGE_BYTES} are accepted`);
  return bytes;
}
