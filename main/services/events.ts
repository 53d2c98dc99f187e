import { eventChannels, type EventChannel, type EventPayload } from '../../contract';

export type AnyEvent = { [E in EventChannel]: { event: E; payload: EventPayload<E> } }[EventChannel];
export type EventListener = (message: AnyEvent) => void;

/**
 * Main-side fan-out of contract events. Services emit here; each shell (Electron IPC,
 * WebSocket host) subscribes once and forwards. Payloads are checked against the contract so a
 * service bug surfaces in main, not as a confused renderer.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    const checked = eventChannels[event].parse(payload) as EventPayload<E>;
    for (const listener of this.listeners) listener({ event, payload: checked } as AnyEvent);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
