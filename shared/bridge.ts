// The desktop app's bridge between the sandboxed renderer and the main process, exposed by
// the preload script as `window.quire`: its IPC channels, the native dialogs the renderer
// may ask for, and the shape of a call's answer (errors cross as plain data).
import type { Method, QuireEvent, SerializedError } from './api.ts';

export const IPC = { call: 'quire:call', choose: 'quire:choose', event: 'quire:event' } as const;

/** What a native open dialog is for; the main process owns each dialog's options. */
export const DIALOG_KINDS = ['import-files', 'import-folder', 'import-lines', 'open-project', 'create-project', 'export-folder'] as const;
export type DialogKind = (typeof DIALOG_KINDS)[number];

export type CallResult = { ok: true; value: unknown } | { ok: false; error: SerializedError };

export interface DesktopBridge {
  /** `project`: the path of the project the window shows; the call is refused when another one is open now. */
  call(method: Method, request: unknown, project?: string): Promise<CallResult>;
  onEvent(listener: (event: QuireEvent) => void): () => void;
  /** Shows a native open dialog; the chosen paths, or none when it was cancelled. */
  choose(kind: DialogKind): Promise<string[]>;
  /** The path of a file dropped on the window ('' for one that has none, e.g. from another app's memory). */
  pathForFile(file: File): string;
}
