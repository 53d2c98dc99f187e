/** Operator channel names without zod, for the operator's sandboxed preload; operator-channels.ts checks they match. */
export const OPERATOR_CHANNEL_NAMES = [
  'operator.settings.get', 'operator.settings.update', 'operator.diagnostics', 'operator.provider.test', 'operator.audit.search',
  'operator.audit.csv', 'operator.audit.deleteSubject', 'operator.audit.purge', 'operator.pin.change', 'operator.signOut',
] as const;

/** The operator window's one IPC channel; the kiosk window's preload does not know it. */
export const IPC_OPERATOR_INVOKE = 'renzheng:operator-invoke';
