import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_READERS, formatUsbId } from '../../native/known-readers';

const root = resolve(import.meta.dirname, '../..');
const rules = readFileSync(resolve(root, 'native/udev/99-renzheng-idcard.rules'), 'utf8');
const unit = readFileSync(resolve(root, 'native/systemd/renzheng-kiosk.service'), 'utf8');

describe('udev rules', () => {
  const active = rules.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));

  it('grants access to every known raw-SAM USB and HID reader, for libusb and hidraw', () => {
    for (const reader of KNOWN_READERS.filter((r) => r.transport === 'usb' || r.transport === 'hid' || r.transport === 'unknown')) {
      const [vid, pid] = formatUsbId(reader.vendorId, reader.productId).split(':');
      const matching = active.filter((l) => l.includes(`"${vid}"`) && l.includes(`"${pid}"`));
      expect(matching.some((l) => l.includes('SUBSYSTEM=="usb"')), `${vid}:${pid} usb`).toBe(true);
      if (reader.transport === 'hid') expect(matching.some((l) => l.includes('SUBSYSTEM=="hidraw"')), `${vid}:${pid} hidraw`).toBe(true);
    }
  });

  it('uses a group and mode, never world-writable devices', () => {
    for (const line of active) {
      expect(line).toMatch(/GROUP="renzheng"/);
      expect(line).toMatch(/MODE="0660"/);
      expect(line).toMatch(/ATTRS?\{idVendor\}=="[0-9a-f]{4}"/);
    }
  });
});

describe('systemd unit', () => {
  it('runs the kiosk as the unprivileged group that owns the readers and restarts it', () => {
    expect(unit).toMatch(/^\[Unit\]/m);
    expect(unit).toMatch(/^\[Service\]/m);
    expect(unit).toMatch(/^SupplementaryGroups=.*renzheng/m);
    expect(unit).toMatch(/^Restart=(always|on-failure)/m);
    expect(unit).toMatch(/^ExecStart=\S+/m);
    expect(unit).toMatch(/^\[Install\]/m);
  });

  it('creates every file owner-only (the audit trail and settings are private)', () => {
    expect(unit).toMatch(/^UMask=0077$/m);
  });
});
