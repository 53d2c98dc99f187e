import { describe, expect, it } from 'vitest';
import { Commands, encodeCommand, type SamCommand } from '../../idcard/commands';
import { decodeFrame } from '../../idcard/frame';
import { countFingerprints, decodeReadReplyFrame, parseReplyBody } from '../../idcard/reply';
import { SamDeviceSim } from '../../idcard/sim-device';
import { buildCardText, sampleCards, syntheticFingerprints, syntheticWlt } from '../../idcard/synthetic';
import { parseCardText } from '../../idcard/card';

const card = { text: buildCardText(sampleCards.resident), photo: syntheticWlt(), fingerprints: syntheticFingerprints() };
function ask(sim: SamDeviceSim, command: SamCommand | Uint8Array) {
  const out = sim.receive(command instanceof Uint8Array ? command : encodeCommand(command));
  expect(out).toHaveLength(1);
  return { frame: out[0]!.bytes, reply: parseReplyBody(decodeFrame(out[0]!.bytes)) };
}

describe('simulated SAM device', () => {
  it('answers the read sequence and halts the card until it is presented again', () => {
    const sim = new SamDeviceSim();
    expect(ask(sim, Commands.findCard).reply.sw3).toBe(0x80);
    sim.present(card);
    expect(ask(sim, Commands.findCard).reply).toMatchObject({ sw3: 0x9f, data: new Uint8Array(4) });
    expect(ask(sim, Commands.selectCard).reply.data).toHaveLength(8);
    const { frame } = ask(sim, Commands.readBase);
    expect(frame).toHaveLength(1295);
    expect(parseCardText(decodeReadReplyFrame(frame).text).idNumber).toBe('11010519491231002X');
    expect(ask(sim, Commands.findCard).reply.sw3).toBe(0x80);
    expect(ask(sim, Commands.selectCard).reply.sw3).toBe(0x81);
    sim.remove();
    sim.present();
    expect(ask(sim, Commands.findCard).reply.sw3).toBe(0x9f);
  });

  it('reads fingerprints with 30 10 (2321-byte reply) and says 91 for a missing extra address', () => {
    const sim = new SamDeviceSim({ card });
    ask(sim, Commands.findCard);
    ask(sim, Commands.selectCard);
    expect(ask(sim, Commands.readAddress).reply.sw3).toBe(0x91);
    const { frame } = ask(sim, Commands.readBaseFingerprints);
    expect(frame).toHaveLength(2321);
    const raw = decodeReadReplyFrame(frame);
    expect(raw.withFingerprints).toBe(true);
    expect(countFingerprints(raw.fingerprints)).toBe(2);
  });

  it('answers 10 to a damaged checksum, 21 to an unknown command, and the SAM ID', () => {
    const sim = new SamDeviceSim();
    const bad = encodeCommand(Commands.findCard);
    bad[bad.length - 1]! ^= 1;
    expect(ask(sim, bad).reply.sw3).toBe(0x10);
    expect(ask(sim, { name: 'x', cmd: 0x77, para: 0x01 }).reply.sw3).toBe(0x21);
    expect(ask(sim, Commands.samId).reply.data).toHaveLength(16);
    expect(ask(sim, Commands.setMaxRfByte).reply.sw3).toBe(0x90);
  });

  it('reports SAM faults 60 and 66; a reset clears 60 only when configured to', () => {
    const sim = new SamDeviceSim({ samHealth: 'self-test-failed', resetRecovers: true });
    expect(ask(sim, Commands.samStatus).reply.sw3).toBe(0x60);
    expect(ask(sim, Commands.resetSam).reply.sw3).toBe(0x90);
    expect(ask(sim, Commands.samStatus).reply.sw3).toBe(0x90);
    const locked = new SamDeviceSim({ samHealth: 'unauthorised', resetRecovers: true });
    expect(ask(locked, Commands.resetSam).reply.sw3).toBe(0x66);
    expect(ask(locked, Commands.findCard).reply.sw3).toBe(0x66);
  });

  it('applies one-shot faults to the named command only', () => {
    const sim = new SamDeviceSim({ card });
    sim.injectFault('select-card', { kind: 'silent' });
    sim.injectFault('find-card', { kind: 'garbage', bytes: 5 });
    const out = sim.receive(encodeCommand(Commands.findCard));
    expect(out[0]!.bytes.subarray(5, 10)).toEqual(Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69));
    expect(sim.receive(encodeCommand(Commands.selectCard))).toEqual([]);
    expect(ask(sim, Commands.selectCard).reply.sw3).toBe(0x90);
    expect(sim.log).toEqual(['find-card', 'select-card', 'select-card']);
  });
});
