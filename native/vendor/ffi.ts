import { isAbsolute, resolve, sep } from 'node:path';
import type { LibraryHandle } from 'koffi';
import { VendorSdkError } from './errors';
import type { CallingConvention } from './protocol';

/** The part of koffi the bindings use, so the child can hand it in after a guarded import. */
export interface KoffiLike {
  load(path: string): LibraryHandle;
}

export type NativeFunction = (...args: unknown[]) => unknown;

/** Child-side only: opens a vendor library, turning koffi's failure into advice. */
export function loadLibrary(koffi: KoffiLike, path: string): LibraryHandle {
  try {
    return koffi.load(path);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new VendorSdkError(
      'load-failed',
      `cannot load vendor library ${path} (${detail}): check the path, that it is a shared library for this CPU (${process.arch}), and that its own dependencies are installed`,
      { cause: error },
    );
  }
}

/** Child-side only: declares one exported function; a missing export is symbol-missing. */
export function bindFunction(
  lib: LibraryHandle,
  library: string,
  convention: CallingConvention,
  name: string,
  result: string,
  args: string[],
): NativeFunction {
  try {
    const fn = convention === 'stdcall' ? lib.func('__stdcall', name, result, args) : lib.func(name, result, args);
    return fn as unknown as NativeFunction;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (/cannot find|not find|undefined symbol|symbol/i.test(detail)) {
      throw new VendorSdkError('symbol-missing', `vendor library ${library} has no function ${name}: configure the right symbol or library`, {
        cause: error,
      });
    }
    throw new VendorSdkError('load-failed', `cannot bind ${name} in ${library} (${detail})`, { cause: error });
  }
}

export function defaultCallingConvention(): CallingConvention {
  // Win32 vendor DLLs are __stdcall; koffi ignores the distinction on 64-bit targets.
  return process.platform === 'win32' ? 'stdcall' : 'cdecl';
}

/**
 * Parent-side: the path to hand to the child. The child runs in its own temp directory, so a
 * relative path ("./vendor/libwlt.so") is made absolute here; a bare name ("libwlt.so") is kept
 * so the dynamic loader searches LD_LIBRARY_PATH / PATH for it as usual.
 */
export function libraryPathForChild(library: string): string {
  if (isAbsolute(library) || !(library.includes('/') || library.includes(sep))) return library;
  return resolve(library);
}
