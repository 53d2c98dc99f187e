import type { z } from 'zod';
import {
  ContractError, invokeChannels, isInvokeChannel,
  type Envelope, type InvokeChannel, type InvokeResponse,
} from '.';

export type ContractHandlers = {
  [C in InvokeChannel]: (
    request: z.infer<(typeof invokeChannels)[C]['request']>,
  ) => Promise<InvokeResponse<C>> | InvokeResponse<C>;
};

export interface DispatchLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type Dispatch = (channel: unknown, payload: unknown) => Promise<Envelope<unknown>>;

/**
 * The single gate between an untrusted renderer and main's services, shared by the Electron
 * IPC shell and the WebSocket host: unknown channels are refused, every payload is parsed with
 * the channel's zod schema, and failures come back as typed envelopes instead of exceptions.
 */
export function createDispatcher(handlers: ContractHandlers, log: DispatchLogger): Dispatch {
  return async (channel, payload) => {
    if (!isInvokeChannel(channel)) {
      log.warn('refused unknown channel', { channel: typeof channel === 'string' ? channel.slice(0, 64) : typeof channel });
      return { ok: false, error: { code: 'unknown-channel', message: `Unknown channel: ${String(channel).slice(0, 64)}` } };
    }
    const schema = invokeChannels[channel].request;
    const parsed = schema.safeParse(payload ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 20).map((issue) => ({
        path: issue.path.map(String).join('.') || '(root)',
        message: issue.message,
      }));
      log.warn('rejected malformed payload', { channel, issues: issues.length });
      return { ok: false, error: { code: 'validation', message: `Invalid payload for ${channel}`, issues } };
    }
    try {
      const handler = handlers[channel] as (request: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof ContractError) return { ok: false, error: error.toShape() };
      log.error('handler failed', { channel, error: error instanceof Error ? error.message : String(error) });
      return { ok: false, error: { code: 'internal', message: `The ${channel} call failed inside the kiosk; see the main log.` } };
    }
  };
}
