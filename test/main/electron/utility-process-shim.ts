/**
 * Runs a module the way Electron's utilityProcess.fork does, for machines without an Electron
 * binary (started by FakeUtilityProcessModule over a real child_process.fork):
 * - `process.parentPort` delivers messages as `{ data }` events and sends with `postMessage`;
 * - there is no `process.send`, so a child that still used the fork channel would never answer;
 * - the process ends without running the module's handlers when its parent goes away
 *   (Chromium ends utility processes whose browser process is gone).
 * argv: [entry, ...args].
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

const ipcSend = process.send!.bind(process);
const parentPort = Object.assign(new EventEmitter(), {
  postMessage: (message: unknown) => void ipcSend(message),
});
process.on('message', (data) => parentPort.emit('message', { data, ports: [] }));
process.on('disconnect', () => process.exit(0));
Object.defineProperty(process, 'parentPort', { value: parentPort, enumerable: true });
Reflect.deleteProperty(process, 'send');

const [entry] = process.argv.splice(2, 1);
await import(pathToFileURL(entry!).href);
