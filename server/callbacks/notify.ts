import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import type { SecretBox } from '../crypto';
import type { AddressPolicy } from '../images/address-policy';
import { checkedAddress, type Resolver } from '../images/fetch-image';
import type { Repository, SealedRecord } from '../repository/types';

/**
 * Callbacks: the 2019 API's CallbackUrl/CallbackSeed idea on our tickets. A caller names a URL and
 * a seed with GetVerifyToken (or face_verify init); when the ticket is decided (1 or 2) the service
 * POSTs the result there, signed with the seed, and retries with backoff until the receiver answers
 * 2xx. Each decision is one event with one EventId, the same on every retry, so a receiver that
 * saw it already can answer 200 and ignore it. The URL obeys the image-URL address rules.
 */

const SUBSCRIPTION_KIND = 'callback-sub';
const DELIVERY_KIND = 'callback';
export const SIGNATURE_HEADER = 'x-renzheng-signature';
export const TIMESTAMP_HEADER = 'x-renzheng-timestamp';
export const EVENT_HEADER = 'x-renzheng-event-id';

export const CallbackUrl = z
  .string()
  .max(2048)
  .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'InvalidParam.CallbackUrl: must be an http(s) URL');
export const CallbackSeed = z.string().min(8, 'InvalidParam.CallbackSeed: at least 8 characters').max(128);

const Subscription = z.strictObject({ url: z.string(), seed: z.string() });
const Delivery = z.strictObject({
  url: z.string(),
  seed: z.string(),
  body: z.string(),
  attempts: z.number().int(),
  nextAt: z.number(),
  firstAt: z.number(),
});
type Delivery = z.infer<typeof Delivery>;

const subscriptionId = (biz: string, ticketId: string) => createHash('sha256').update(`${biz}\n${ticketId}`).digest('base64url');
const aad = (kind: string, id: string) => `${kind}:${id}`;

/** The signature a receiver recomputes: HMAC-SHA256 with the seed over "timestamp.body", hex. */
export function callbackSignature(seed: string, timestamp: string, body: string): string {
  return createHmac('sha256', seed).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export async function subscribeCallback(ctx: ServiceContext, input: { biz: string; ticketId: string; url: string; seed: string; expiresAt: Date }): Promise<void> {
  const id = subscriptionId(input.biz, input.ticketId);
  const sealed = ctx.biometrics.seal(Buffer.from(JSON.stringify({ url: input.url, seed: input.seed })), aad(SUBSCRIPTION_KIND, id));
  // Kept a day past the token: a page may be decided near the token's end.
  await ctx.repo.putRecord({ kind: SUBSCRIPTION_KIND, id, sealed, createdAt: ctx.now(), expiresAt: new Date(input.expiresAt.getTime() + 86_400_000) });
}

/**
 * Called once per committed decision; queues a delivery when the ticket has a callback and is final
 * for now (1/2). Never throws: the verdict is committed, and a callback that could not be queued
 * must not turn the caller's answer into an error (GetStatus still tells the truth).
 */
export async function ticketDecided(ctx: ServiceContext, decision: { biz: string; ticketId: string; status: number; similarityScore: number | null }): Promise<void> {
  if (decision.status !== 1 && decision.status !== 2) return;
  try {
    const subId = subscriptionId(decision.biz, decision.ticketId);
    const record = await ctx.repo.getRecord(SUBSCRIPTION_KIND, subId);
    if (!record) return;
    const sub = Subscription.parse(JSON.parse(ctx.biometrics.open(record.sealed, aad(SUBSCRIPTION_KIND, subId)).toString('utf8')));
    const eventId = ctx.randomHex(16);
    const now = ctx.now();
    const body = JSON.stringify({ EventId: eventId, Biz: decision.biz, TicketId: decision.ticketId, StatusCode: decision.status, SimilarityScore: decision.similarityScore ?? 0, DecidedAt: now.toISOString() });
    const delivery: Delivery = { url: sub.url, seed: sub.seed, body, attempts: 0, nextAt: now.getTime(), firstAt: now.getTime() };
    await ctx.repo.putRecord({ kind: DELIVERY_KIND, id: eventId, sealed: ctx.biometrics.seal(Buffer.from(JSON.stringify(delivery)), aad(DELIVERY_KIND, eventId)), createdAt: now, expiresAt: null });
    ctx.callbacks?.kick();
  } catch {
    ctx.note({ callbackQueued: false });
  }
}

export type CallbackPost = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<number>;

export interface CallbackDispatcherDeps {
  repo: Repository;
  biometrics: SecretBox;
  addresses: AddressPolicy;
  resolve?: Resolver;
  now: () => Date;
  logger: Logger;
  post?: CallbackPost;
  /** Backoff for attempt n (1-based), in ms; default 1 s doubling to 5 min. */
  backoffMs?: (attempt: number) => number;
  /** Attempts before giving up (the event is dropped and logged). Default 12 (about 20 minutes). */
  maxAttempts?: number;
  timeoutMs?: number;
}

/** POSTs to the one address that was checked (a second DNS answer cannot redirect it inward); no redirects are followed. */
function pinnedPost(addresses: AddressPolicy, resolve: Resolver | undefined): CallbackPost {
  return async (url, body, headers, timeoutMs) => {
    const parsed = new URL(url);
    const address = await checkedAddress(parsed.hostname, addresses, resolve);
    const lookup: LookupFunction = (_host, opts, callback) => {
      if ((opts as { all?: boolean }).all) (callback as (e: null, a: (typeof address)[]) => void)(null, [address]);
      else callback(null, address.address, address.family);
    };
    const transport = parsed.protocol === 'https:' ? https : http;
    return new Promise<number>((resolvePost, reject) => {
      const request = transport.request(parsed, { method: 'POST', lookup, agent: false, timeout: timeoutMs, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (response) => {
        response.resume();
        resolvePost(response.statusCode ?? 0);
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  };
}

export class CallbackDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly post: CallbackPost;

  constructor(private readonly deps: CallbackDispatcherDeps) {
    this.post = deps.post ?? pinnedPost(deps.addresses, deps.resolve);
  }

  /** Runs a delivery pass now (or right after the one in progress). */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.pass()
      .catch((error: unknown) => {
        // A broken record or a database hiccup must not crash the service: log it and try again later.
        this.deps.logger.error({ err: { name: (error as Error)?.name } }, 'callback delivery pass failed; will retry');
        this.schedule(this.deps.now().getTime() + 30_000);
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private schedule(at: number): void {
    if (this.closed) return;
    const delay = Math.max(0, at - this.deps.now().getTime());
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delay);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    let next = Infinity;
    let records: SealedRecord[] = [];
    try {
      records = await this.deps.repo.listRecords(DELIVERY_KIND);
    } catch {
      this.schedule(this.deps.now().getTime() + 5_000);
      return;
    }
    for (const record of records) {
      if (this.closed) return;
      let delivery: Delivery;
      try {
        delivery = Delivery.parse(JSON.parse(this.deps.biometrics.open(record.sealed, aad(DELIVERY_KIND, record.id)).toString('utf8')));
      } catch {
        // Sealed under another key or damaged: it can never be delivered, and must not block the others.
        await this.deps.repo.deleteRecord(DELIVERY_KIND, record.id);
        this.deps.logger.error({ event: record.id }, 'callback record unreadable; dropped');
        continue;
      }
      if (delivery.nextAt > this.deps.now().getTime()) {
        next = Math.min(next, delivery.nextAt);
        continue;
      }
      const retryAt = await this.attempt(record, delivery);
      if (retryAt !== undefined) next = Math.min(next, retryAt);
    }
    if (next !== Infinity) this.schedule(next);
  }

  /** One POST; returns when to retry, or undefined when the event is done (acknowledged or given up). */
  private async attempt(record: SealedRecord, delivery: Delivery): Promise<number | undefined> {
    const timestamp = String(Math.floor(this.deps.now().getTime() / 1000));
    const headers = { [SIGNATURE_HEADER]: callbackSignature(delivery.seed, timestamp, delivery.body), [TIMESTAMP_HEADER]: timestamp, [EVENT_HEADER]: record.id };
    let status = 0;
    let why = '';
    try {
      status = await this.post(delivery.url, delivery.body, headers, this.deps.timeoutMs ?? 10_000);
    } catch (error) {
      why = error instanceof Error ? error.message : 'error';
    }
    const host = new URL(delivery.url).host;
    if (status >= 200 && status < 300) {
      await this.deps.repo.deleteRecord(DELIVERY_KIND, record.id);
      this.deps.logger.info({ event: record.id, host, attempts: delivery.attempts + 1 }, 'callback acknowledged');
      return undefined;
    }
    const attempts = delivery.attempts + 1;
    if (attempts >= (this.deps.maxAttempts ?? 12)) {
      await this.deps.repo.deleteRecord(DELIVERY_KIND, record.id);
      this.deps.logger.warn({ event: record.id, host, attempts, status, why }, 'callback given up: the receiver never acknowledged; the caller can still ask GetStatus');
      return undefined;
    }
    const backoff = this.deps.backoffMs ?? ((n: number) => Math.min(300_000, 1000 * 2 ** (n - 1)));
    const nextAt = this.deps.now().getTime() + backoff(attempts);
    const updated: Delivery = { ...delivery, attempts, nextAt };
    await this.deps.repo.putRecord({ ...record, sealed: this.deps.biometrics.seal(Buffer.from(JSON.stringify(updated)), aad(DELIVERY_KIND, record.id)) });
    this.deps.logger.info({ event: record.id, host, attempts, status, why }, 'callback not acknowledged; will retry');
    return nextAt;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
