// The one `invoke`: every command goes through `call`, which turns the shell's
// `{kind, message}` into an IpcError. The typed function for each command is generated
// (ipc.generated.ts); components import them, and this error type, from ipc.ts.
import { invoke } from "@tauri-apps/api/core";

/** A failure as the shell reports it: `kind` is stable snake_case to branch on. */
export class IpcError extends Error {
  readonly kind: string;

  constructor(kind: string, message: string) {
    super(message);
    this.name = "IpcError";
    this.kind = kind;
  }
}

export function toIpcError(error: unknown): IpcError {
  if (error instanceof IpcError) return error;
  if (typeof error === "object" && error !== null && "kind" in error && "message" in error) {
    const e = error as { kind: unknown; message: unknown };
    return new IpcError(String(e.kind), String(e.message));
  }
  return new IpcError("internal", typeof error === "string" ? error : "The app hit an internal error. Try again.");
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toIpcError(error);
  }
}
