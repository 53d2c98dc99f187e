import { actionExists, checkCommonParams, nonceExpiry, responseFormatOf, stringToSign, verifySignature, type ActionName, type FlatParams, type HttpMethod, type ResponseFormat } from '../cloudauth';
import type { SecretBox } from './crypto';
import type { Repository } from './repository/types';
import type { KeyThrottle } from './throttle';

export type AuthResult<A extends string = ActionName> =
  | { ok: true; action: A; version: string; accessKeyId: string; format: ResponseFormat }
  | { ok: false; code: string; detail?: string; format: ResponseFormat; accessKeyId?: string };

export interface GatewayDeps {
  repo: Repository;
  secrets: SecretBox;
  throttle: KeyThrottle;
  now: () => Date;
  /** How long a looked-up key (and its opened secret) is reused; revocation takes effect within this. */
  keyCacheMs: number;
  /** Actions served beside the guide's (the 2019-03-07 ones); checked after `actionExists`. */
  alsoExists?: (action: string, version: string) => boolean;
}

/** Longest string to sign echoed in SignatureDoesNotMatch (requests with images are longer). */
const MAX_ECHOED_STRING_TO_SIGN = 64 * 1024;

/** Associated data that ties a sealed AccessKey secret to its key id. */
export const secretAad = (accessKeyId: string): string => `access-key:${accessKeyId}`;

/**
 * Authenticates a request as the POP gateway does, in its order: common parameters and
 * timestamp, the API, the key, the signature, the per-key rate, and last the nonce (recorded only
 * for a request that is genuine, so nobody can burn another caller's nonces).
 */
export class Gateway {
  private readonly cache = new Map<string, { active: boolean; secret: string; at: number }>();

  constructor(private readonly deps: GatewayDeps) {}

  private async keyFor(id: string): Promise<{ active: boolean; secret: string } | undefined> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < this.deps.keyCacheMs) return hit;
    const record = await this.deps.repo.getAccessKey(id);
    if (!record) {
      this.cache.delete(id);
      return undefined;
    }
    const entry = { active: record.active, secret: this.deps.secrets.open(record.sealedSecret, secretAad(id)).toString('utf8'), at: now };
    if (this.deps.keyCacheMs > 0) this.cache.set(id, entry);
    return entry;
  }

  /** `exists` says which (Action, Version) pairs this endpoint serves; ExecuteRequest (face_verify) passes its own. */
  async authenticate<A extends string = ActionName>(params: FlatParams, method: HttpMethod, exists: (action: string, version: string) => action is A = actionExists as never): Promise<AuthResult<A>> {
    const now = this.deps.now();
    const common = checkCommonParams(params, now);
    if (!common.ok) return { ok: false, code: common.code, detail: common.detail, format: responseFormatOf(params) };
    const { format, accessKeyId } = common;
    if (!exists(common.action, common.version) && !this.deps.alsoExists?.(common.action, common.version)) {
      return { ok: false, code: 'InvalidApi.NotFound', detail: `${common.action} does not exist in version ${common.version}.`, format, accessKeyId };
    }
    const key = await this.keyFor(accessKeyId);
    if (!key) return { ok: false, code: 'InvalidAccessKeyId.NotFound', format, accessKeyId };
    if (!key.active) return { ok: false, code: 'InvalidAccessKeyId.Inactive', format, accessKeyId };
    if (!verifySignature(params, key.secret, method)) {
      // As the gateway does, so a client can tell a wrong secret from an altered request; the caller
      // sent these parameters, the text is never logged, and a huge one (images) is left out.
      const text = stringToSign(method, params);
      const detail = text.length <= MAX_ECHOED_STRING_TO_SIGN ? `server string to sign is:${text}` : undefined;
      return { ok: false, code: 'SignatureDoesNotMatch', detail, format, accessKeyId };
    }
    if (!this.deps.throttle.take(accessKeyId)) return { ok: false, code: 'Throttling.User', format, accessKeyId };
    if (!(await this.deps.repo.useNonce(accessKeyId, common.nonce, nonceExpiry(common.timestamp, now)))) {
      return { ok: false, code: 'SignatureNonceUsed', format, accessKeyId };
    }
    // An action from alsoExists is not an ActionName; the app routes those before it uses the name as one.
    return { ok: true, action: common.action as A, version: common.version, accessKeyId, format };
  }
}
