import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** Just enough of Electron's API, recorded, to test the shell's wiring where no binary can run. */
export class FakeWebContents extends EventEmitter {
  url = 'app://kiosk/index.html';
  destroyed = false;
  sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  reload = vi.fn();
  getURL = () => this.url;
  isDestroyed = () => this.destroyed;
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  static getAllWindows = () => FakeBrowserWindow.instances;
  readonly webContents = new FakeWebContents();
  loadURL = vi.fn(async (_url: string) => undefined);
  show = vi.fn();
  focus = vi.fn();
  removeMenu = vi.fn();
  isDestroyed = () => false;
  constructor(readonly options: Record<string, any>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
}

export class FakeIpcMain {
  handlers = new Map<string, (...args: any[]) => unknown>();
  handle(channel: string, handler: (...args: any[]) => unknown) {
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

export class FakeSession {
  requestHandler: ((wc: unknown, permission: string, cb: (allowed: boolean) => void, details: unknown) => void) | null = null;
  checkHandler: ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | null = null;
  deviceHandler: (() => boolean) | null = null;
  setPermissionRequestHandler(h: FakeSession['requestHandler']) { this.requestHandler = h; }
  setPermissionCheckHandler(h: FakeSession['checkHandler']) { this.checkHandler = h; }
  setDevicePermissionHandler(h: FakeSession['deviceHandler']) { this.deviceHandler = h; }
}

export class FakeApp extends EventEmitter {
  isPackaged = false;
  lock = true;
  quit = vi.fn();
  requestSingleInstanceLock = vi.fn(() => this.lock);
  whenReady = vi.fn(async () => undefined);
  getAppPath = vi.fn(() => process.cwd());
  getPath = vi.fn((_name: string) => '/tmp');
}
