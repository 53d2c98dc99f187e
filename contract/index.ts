export * from './schemas';
export * from './channels';
export * from './envelope';
export * from './channel-names';
export * from './ws-frames';
