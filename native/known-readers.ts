/**
 * USB identities of ID-card readers, from reference/idcard-reader.md §4. Only 0400:C35A is tied
 * to named products in public code; the others come from single sources and are marked so.
 * `rawSam: false` means the device wraps SAM in a vendor protocol: auto-detection lists it so
 * the operator learns why it cannot be used directly (use its vendor SDK instead).
 */
export interface KnownReader {
  vendorId: number;
  productId: number;
  transport: 'usb' | 'hid' | 'serial' | 'unknown';
  rawSam: boolean;
  verified: boolean;
  seenFor: string;
}

export const KNOWN_READERS: readonly KnownReader[] = [
  { vendorId: 0x0400, productId: 0xc35a, transport: 'usb', rawSam: true, verified: true, seenFor: 'ZKTeco IDR, 精伦 iDR, SDT-class bulk readers' },
  { vendorId: 0x2b8b, productId: 0x2721, transport: 'hid', rawSam: true, verified: false, seenFor: 'Sdtusbapi HID variant (vendor not identified)' },
  { vendorId: 0x10c4, productId: 0x0007, transport: 'hid', rawSam: false, verified: false, seenFor: '中正 Miaxis MR-300 family (vendor wrapper protocol)' },
  { vendorId: 0x203b, productId: 0x0101, transport: 'hid', rawSam: false, verified: false, seenFor: 'earlier Miaxis readers (vendor wrapper protocol)' },
  { vendorId: 0x0483, productId: 0x5652, transport: 'unknown', rawSam: true, verified: false, seenFor: 'fallback PID in an Android SDTAPI demo' },
  { vendorId: 0x0316, productId: 0x5020, transport: 'unknown', rawSam: true, verified: false, seenFor: 'listed next to 0400:C35A as supported' },
  // Generic USB-serial bridges used by UART reader modules: candidates to probe with `11 FF`, not proof of a reader.
  { vendorId: 0x1a86, productId: 0x7523, transport: 'serial', rawSam: true, verified: false, seenFor: 'CH340 USB-serial bridge in serial reader modules' },
  { vendorId: 0x10c4, productId: 0xea60, transport: 'serial', rawSam: true, verified: false, seenFor: 'CP210x USB-serial bridge in serial reader modules' },
];

export function formatUsbId(vendorId: number, productId: number): string {
  return `${vendorId.toString(16).padStart(4, '0')}:${productId.toString(16).padStart(4, '0')}`;
}

/** The known reader with this identity; serialport reports ids as hex strings, hence the parsing. */
export function lookupKnownReader(vendorId: number | string | undefined, productId: number | string | undefined): KnownReader | undefined {
  const vid = typeof vendorId === 'string' ? Number.parseInt(vendorId, 16) : vendorId;
  const pid = typeof productId === 'string' ? Number.parseInt(productId, 16) : productId;
  if (vid === undefined || pid === undefined || Number.isNaN(vid) || Number.isNaN(pid)) return undefined;
  return KNOWN_READERS.find((r) => r.vendorId === vid && r.productId === pid);
}

/** Identities worth opening directly as a SAM transport of the given kind. */
export function knownReaderIds(transport: 'usb' | 'hid' | 'serial'): Array<{ vendorId: number; productId: number }> {
  return KNOWN_READERS.filter((r) => r.rawSam && r.transport === transport).map(({ vendorId, productId }) => ({ vendorId, productId }));
}
