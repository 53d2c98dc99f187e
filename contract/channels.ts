import { z } from 'zod';
import {
  CardPublic, DemoFaceCard, ManualCheck, OperatorUnlock, OperatorUnlockResult, PublicSettings, ReaderError, ReaderSimulate, ReaderStatus, RendererReport, SystemInfo,
  VerifyChallenge, VerifyChallengeRequest, VerifyProgress, VerifyResult, VerifySubmit,
} from './schemas';
import { EVENT_CHANNEL_NAMES, INVOKE_CHANNEL_NAMES } from './channel-names';

const Empty = z.strictObject({});

/** Every renderer→main call: the request is validated in main, the response is what main promises. */
export const invokeChannels = {
  'system.info': { request: Empty, response: SystemInfo },
  'settings.public': { request: Empty, response: PublicSettings },
  'renderer.report': { request: RendererReport, response: z.strictObject({ ok: z.literal(true) }) },
  'reader.status': { request: Empty, response: ReaderStatus },
  /** Demo and test aid: only honoured while the simulated reader is active. */
  'reader.simulate': { request: ReaderSimulate, response: z.strictObject({ ok: z.literal(true) }) },
  /** Draw the active challenge for the held card; the next verify.submit must answer it before it expires. */
  'verify.challenge': { request: VerifyChallengeRequest, response: VerifyChallenge },
  'verify.submit': { request: VerifySubmit, response: z.strictObject({ verificationId: z.string() }) },
  /** The person walked away or the flow timed out: forget the card held for this session. */
  'session.reset': { request: Empty, response: z.strictObject({ ok: z.literal(true) }) },
  /** Demo mode: "use my face as the card". */
  'demo.faceCard': { request: DemoFaceCard, response: z.strictObject({ ok: z.literal(true) }) },
  /** No chip photo: faces cannot be compared; record that staff checked by hand. */
  'session.manualCheck': { request: ManualCheck, response: z.strictObject({ ok: z.literal(true) }) },
  /** Hidden gesture + PIN: the only way from the kiosk page to the operator surface (its own channels, token and page). */
  'operator.unlock': { request: OperatorUnlock, response: OperatorUnlockResult },
} as const;

/** Every main→renderer push. */
export const eventChannels = {
  'reader.status': ReaderStatus,
  'reader.card': CardPublic,
  'reader.cardRemoved': z.strictObject({ cardId: z.string() }),
  'reader.error': ReaderError,
  'verify.progress': VerifyProgress,
  'verify.result': VerifyResult,
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['response']>;
export type EventPayload<E extends EventChannel> = z.infer<(typeof eventChannels)[E]>;

export const INVOKE_CHANNELS = Object.keys(invokeChannels) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(eventChannels) as EventChannel[];

// Compile-time proof that the zod-free name lists used by the preload match the schemas.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const invokeNamesMatch: Same<(typeof INVOKE_CHANNEL_NAMES)[number], InvokeChannel> = true;
const eventNamesMatch: Same<(typeof EVENT_CHANNEL_NAMES)[number], EventChannel> = true;
void invokeNamesMatch;
void eventNamesMatch;

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.hasOwn(invokeChannels, name);
}
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.hasOwn(eventChannels, name);
}
