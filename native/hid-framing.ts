/**
 * Report framing for SAM readers that enumerate as USB-HID (e.g. 2B8B:2721).
 *
 * Layout assumed, from the only public source that frames SAM over HID (the Sdtusbapi
 * re-implementation, reference/idcard-reader.md §4):
 * - Reports are 64 bytes and unnumbered. hidapi wants the report id first on write, so every
 *   outbound report is `00` + 64 payload bytes (65 bytes); inbound reports arrive without it.
 * - There is NO length byte: a report carries raw SAM frame bytes, zero-padded to 64.
 * - Outbound: the frame is cut into 64-byte slices, the last one zero-padded. Host commands are
 *   under 64 bytes, so in practice this is one report.
 * - Inbound: the first report of a reply holds the preamble at offset 0..6 (junk before it).
 *   The SAM LEN field says how many bytes follow (`LEN + 7` in all); continuation reports are
 *   appended until that count is reached and the padding after it is dropped.
 */

export const HID_REPORT_SIZE = 64;
/** SAM frames never exceed this (the fingerprint read is 2321 bytes); larger LEN means junk. */
const MAX_SAM_LEN = 4096;
const PREAMBLE = [0xaa, 0xaa, 0xaa, 0x96, 0x69] as const;
/** Some readers drop the first preamble byte on HID, so we match on the last four. */
const PREAMBLE_TAIL = [0xaa, 0xaa, 0x96, 0x69] as const;

/** Splits one outbound frame into hidapi write buffers: report id, then 64 zero-padded bytes. */
export function frameToReports(frame: Uint8Array, reportId = 0, reportSize = HID_REPORT_SIZE): Buffer[] {
  const reports: Buffer[] = [];
  for (let offset = 0; offset < frame.length; offset += reportSize) {
    const report = Buffer.alloc(reportSize + 1);
    report[0] = reportId;
    report.set(frame.subarray(offset, offset + reportSize), 1);
    reports.push(report);
  }
  return reports;
}

function findPreambleTail(bytes: Uint8Array, from: number): number {
  outer: for (let i = from; i + PREAMBLE_TAIL.length <= bytes.length; i++) {
    for (let j = 0; j < PREAMBLE_TAIL.length; j++) if (bytes[i + j] !== PREAMBLE_TAIL[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Turns a sequence of 64-byte input reports back into the SAM byte stream, without padding.
 * Emits each frame as soon as it is complete, always with the full 5-byte preamble.
 */
export class HidReportReassembler {
  /** Bytes of the frame being collected, from the preamble on. */
  private pending: number[] = [];
  private expected = 0;

  constructor(private readonly emit: (frame: Uint8Array) => void) {}

  push(report: Uint8Array): void {
    let offset = 0;
    while (offset < report.length) {
      if (this.pending.length === 0) {
        const at = findPreambleTail(report, offset);
        // No frame starts here: it is padding or junk between replies.
        if (at < 0) return;
        this.pending = [...PREAMBLE];
        this.expected = 0;
        offset = at + PREAMBLE_TAIL.length;
        continue;
      }
      if (this.expected === 0) {
        this.pending.push(report[offset++]!);
        if (this.pending.length === PREAMBLE.length + 2) {
          const len = (this.pending[5]! << 8) | this.pending[6]!;
          if (len < 3 || len > MAX_SAM_LEN) {
            // Not a real header; look for a preamble after the false one.
            this.pending = [];
            continue;
          }
          this.expected = PREAMBLE.length + 2 + len;
        }
        continue;
      }
      const take = Math.min(this.expected - this.pending.length, report.length - offset);
      for (let i = 0; i < take; i++) this.pending.push(report[offset + i]!);
      offset += take;
      if (this.pending.length === this.expected) {
        const frame = Uint8Array.from(this.pending);
        this.reset();
        this.emit(frame);
        // The rest of this report is padding unless another preamble follows.
      }
    }
  }

  /** Drops a half-collected frame (after a timeout or reopen) so stale bytes never prefix the next reply. */
  reset(): void {
    this.pending = [];
    this.expected = 0;
  }

  get collecting(): boolean {
    return this.pending.length > 0;
  }
}
