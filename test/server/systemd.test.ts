import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const unit = readFileSync(join(import.meta.dirname, '../../native/systemd/renzheng-server.service'), 'utf8');

describe('the server systemd unit', () => {
  it('runs `renzheng server` as its own unprivileged user, on loopback, with the key from a root-only env file', () => {
    expect(unit).toMatch(/^User=renzheng-server$/m);
    expect(unit).toMatch(/^ExecStart=\S+ server --port \d+ --data \/var\/lib\/renzheng-server$/m);
    expect(unit).not.toMatch(/--host/);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/renzheng\/server\.env$/m);
    expect(unit).toMatch(/RENZHENG_SERVER_MASTER_KEY/);
  });
  it('stops with SIGTERM and time to finish requests, restarts on failure, and sandboxes the process', () => {
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(unit).toMatch(/^TimeoutStopSec=\d+$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    for (const line of ['NoNewPrivileges=true', 'ProtectSystem=strict', 'PrivateDevices=true', 'UMask=0077']) expect(unit).toContain(line);
  });
});
