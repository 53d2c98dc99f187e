import { encodeFrame } from './frame';

/** One SAM command: CMD, PARA and optional data, plus a name for logs and errors. */
export interface SamCommand {
  readonly name: string;
  readonly cmd: number;
  readonly para: number;
  readonly data?: readonly number[];
}

export const Commands = {
  resetSam: { name: 'reset-sam', cmd: 0x10, para: 0xff },
  samStatus: { name: 'sam-status', cmd: 0x11, para: 0xff },
  samId: { name: 'sam-id', cmd: 0x12, para: 0xff },
  findCard: { name: 'find-card', cmd: 0x20, para: 0x01 },
  selectCard: { name: 'select-card', cmd: 0x20, para: 0x02 },
  readBase: { name: 'read-base', cmd: 0x30, para: 0x01 },
  readAddress: { name: 'read-address', cmd: 0x30, para: 0x03 },
  readBaseFingerprints: { name: 'read-base-fp', cmd: 0x30, para: 0x10 },
  /** Max RF frame 0x50 = 80 bytes, as vendor SDKs set it. */
  setMaxRfByte: { name: 'set-max-rf', cmd: 0x61, para: 0xff, data: [0x50] },
} as const satisfies Record<string, SamCommand>;

export const BAUD_RATES = [115200, 57600, 38400, 19200, 9600] as const;
export type BaudRate = (typeof BAUD_RATES)[number];

export function setBaudCommand(baud: BaudRate): SamCommand {
  return { name: `set-baud-${baud}`, cmd: 0x60, para: BAUD_RATES.indexOf(baud) };
}

export function encodeCommand(command: SamCommand): Uint8Array {
  const body = new Uint8Array(2 + (command.data?.length ?? 0));
  body[0] = command.cmd;
  body[1] = command.para;
  if (command.data) body.set(command.data, 2);
  return encodeFrame(body);
}

export function encodeReply(sw3: number, data: Uint8Array = new Uint8Array(0), sw1 = 0, sw2 = 0): Uint8Array {
  const body = new Uint8Array(3 + data.length);
  body[0] = sw1;
  body[1] = sw2;
  body[2] = sw3;
  body.set(data, 3);
  return encodeFrame(body);
}

/** A host command as parsed from a frame body (the simulator's view). */
export function parseCommandBody(body: Uint8Array): { cmd: number; para: number; data: Uint8Array } | null {
  if (body.length < 2) return null;
  return { cmd: body[0]!, para: body[1]!, data: body.subarray(2) };
}

export function commandName(cmd: number, para: number): string {
  for (const c of Object.values(Commands)) if (c.cmd === cmd && c.para === para) return c.name;
  if (cmd === 0x60) return 'set-baud';
  return `cmd-${cmd.toString(16).padStart(2, '0')}-${para.toString(16).padStart(2, '0')}`;
}
