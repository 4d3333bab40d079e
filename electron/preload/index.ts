/**
 * The sandboxed preload: exposes `window.evobox` with exactly two functions, `invoke` for
 * the contract's request channels and `on` for its event channels. The renderer never sees
 * ipcRenderer; unknown channels are refused here and payloads are validated in main.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEventChannel, isInvokeChannel } from '../ipc-channels';
import type { InvokeEnvelope, PreloadBridge } from '../ipc-contract';

const bridge: PreloadBridge = {
  async invoke(channel, request) {
    if (!isInvokeChannel(channel)) throw new Error(`unknown channel ${String(channel)}`);
    // Main answers with an envelope so the renderer sees the backend's message, not
    // Electron's "Error invoking remote method" wrapper.
    const envelope = (await ipcRenderer.invoke(channel, request)) as InvokeEnvelope;
    if (!envelope.ok) throw new Error(envelope.error);
    return envelope.value;
  },
  on(event, listener) {
    if (!isEventChannel(event)) throw new Error(`unknown event ${String(event)}`);
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(event, handler);
    return () => {
      ipcRenderer.removeListener(event, handler);
    };
  },
};

contextBridge.exposeInMainWorld('evobox', bridge);
