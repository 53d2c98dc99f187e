import {
  ContractError, type ContractClient, type EventChannel, type EventPayload,
  type InvokeChannel, type InvokeRequest, type InvokeResponse,
} from '../../../contract';
import type { PreloadBridge } from '../../../contract/bridge';

export function createIpcClient(bridge: PreloadBridge): ContractClient {
  return {
    async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
      const envelope = await bridge.invoke(channel, request);
      if (!envelope.ok) throw new ContractError(envelope.error);
      return envelope.value as InvokeResponse<C>;
    },
    on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void) {
      return bridge.on(event, listener as (payload: unknown) => void);
    },
  };
}
