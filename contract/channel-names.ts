/**
 * Channel names without zod, for the sandboxed preload (which cannot load packages).
 * channels.ts checks at compile time that these lists match the schemas exactly.
 */
export const INVOKE_CHANNEL_NAMES = [
  'system.info', 'settings.public', 'renderer.report', 'reader.status', 'reader.simulate', 'verify.challenge', 'verify.submit', 'session.reset',
  'demo.faceCard', 'session.manualCheck', 'operator.unlock',
] as const;
export const EVENT_CHANNEL_NAMES = [
  'reader.status', 'reader.card', 'reader.cardRemoved', 'reader.error', 'verify.progress', 'verify.result',
] as const;

/** The two Electron IPC channels that carry the whole contract. */
export const IPC_INVOKE = 'renzheng:invoke';
export const IPC_EVENT = 'renzheng:event';
