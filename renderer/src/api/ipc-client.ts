/** Desktop transport: the preload's narrow bridge on `window.evobox` (no ipcRenderer here). */
import type {
  EventChannel,
  EventPayloads,
  EvoboxApi,
  InvokeChannel,
  InvokeRequest,
  InvokeResponses,
  PreloadBridge,
} from '../../../electron/ipc-contract';

export function createIpcApi(bridge: PreloadBridge): EvoboxApi {
  return {
    mode: 'electron',
    async invoke<C extends InvokeChannel>(
      channel: C,
      request: InvokeRequest<C>,
    ): Promise<InvokeResponses[C]> {
      return (await bridge.invoke(channel, request)) as InvokeResponses[C];
    },
    on<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
      return bridge.on(event, (payload) => listener(payload as EventPayloads[E]));
    },
  };
}
