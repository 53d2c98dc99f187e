import { ContractError } from '../../contract';
import type { EventBus } from './events';
import type { ReaderService } from './reader/types';

/**
 * Stands in when the configured reader cannot even be constructed (bad settings, missing vendor
 * library): the kiosk still starts and tells the operator why, instead of crashing at boot.
 */
export function createUnavailableReader(bus: EventBus, description: string): ReaderService {
  const status = { state: 'error' as const, transport: null, description, canSimulate: false };
  return {
    start: async () => bus.emit('reader.status', status),
    stop: async () => undefined,
    status: () => status,
    simulate: async () => {
      throw new ContractError({ code: 'unavailable', message: 'No simulated reader is active.' });
    },
    heldCard: () => undefined,
    forget: () => undefined,
  };
}
