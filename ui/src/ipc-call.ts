// The one `invoke`: every command goes through `call`, which turns the shell's
// `{kind, message, field?}` into an IpcError. The typed function for each command is
// generated (ipc.generated.ts); components import them, and this error type, from ipc.ts.
import { invoke } from "@tauri-apps/api/core";
import type { Field } from "./bindings";

/**
 * A failure as the shell reports it: `kind` is stable snake_case to branch on; `field`,
 * for bad input, is the core's name of the field to show the message beside.
 */
export class IpcError extends Error {
  readonly kind: string;
  readonly field?: Field;

  constructor(kind: string, message: string, field?: Field) {
    super(message);
    this.name = "IpcError";
    this.kind = kind;
    if (field !== undefined) this.field = field;
  }
}

export function toIpcError(error: unknown): IpcError {
  if (error instanceof IpcError) return error;
  if (typeof error === "object" && error !== null && "kind" in error && "message" in error) {
    const e = error as { kind: unknown; message: unknown; field?: unknown };
    const field = typeof e.field === "string" ? (e.field as Field) : undefined;
    return new IpcError(String(e.kind), String(e.message), field);
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
