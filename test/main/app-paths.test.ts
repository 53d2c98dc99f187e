import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../main/app-paths';

describe('the data directory both shells use', () => {
  it('is RENZHENG_DATA_DIR when set, on every platform', () => {
    expect(defaultDataDir({ RENZHENG_DATA_DIR: '/srv/kiosk' }, 'linux', '/home/k')).toBe('/srv/kiosk');
    expect(defaultDataDir({ RENZHENG_DATA_DIR: 'D:\\kiosk' }, 'win32', 'C:\\Users\\k')).toBe('D:\\kiosk');
  });

  it('is ~/.config/renzheng on Linux (lower case, as README says), honouring XDG_CONFIG_HOME', () => {
    expect(defaultDataDir({}, 'linux', '/home/k')).toBe('/home/k/.config/renzheng');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/k')).toBe('/cfg/renzheng');
  });

  it('is the per-user application data folder on Windows and macOS', () => {
    expect(defaultDataDir({ APPDATA: '/appdata' }, 'win32', '/home/k')).toBe('/appdata/renzheng');
    expect(defaultDataDir({}, 'darwin', '/Users/k')).toBe('/Users/k/Library/Application Support/renzheng');
  });
});
