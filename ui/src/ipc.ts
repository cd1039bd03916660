// The one bridge between the window and the Rust shell: every `invoke` lives here,
// typed, so the rest of the UI calls plain functions and never spells a command name.
import { invoke } from "@tauri-apps/api/core";

/** How the shell reports a failure: `kind` is stable snake_case to branch on. */
export interface CommandErrorPayload {
  kind: string;
  message: string;
}

export class IpcError extends Error {
  readonly kind: string;

  constructor(kind: string, message: string) {
    super(message);
    this.name = "IpcError";
    this.kind = kind;
  }
}

export type KeyMode = "keyring" | "passphrase";

export interface JournalStatus {
  dataDir: string;
  exists: boolean;
  keyMode: KeyMode | null;
  unlocked: boolean;
}

/** Any journal item: the shell sends the core's fields as they are; every item has an id. */
export interface Item {
  id: string;
  [field: string]: unknown;
}

export interface Reflection extends Item {
  text?: string | null;
}

export interface DayView {
  date: string;
  purposes: Item[];
  challenges: Item[];
  sessions: Item[];
  reflections: Reflection[];
  checkins: Item[];
  audit_items: Item[];
}

function isPayload(value: unknown): value is CommandErrorPayload {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>).kind === "string" &&
    typeof (value as Record<string, unknown>).message === "string"
  );
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    if (isPayload(raw)) throw new IpcError(raw.kind, raw.message);
    const message = raw instanceof Error ? raw.message : String(raw);
    throw new IpcError("ipc", message);
  }
}

export function journalStatus(): Promise<JournalStatus> {
  return call("journal_status");
}

/** Unlocks with the OS keyring, or with `passphrase` when the journal uses one. */
export function unlock(passphrase?: string): Promise<void> {
  return call("unlock", passphrase === undefined ? {} : { passphrase });
}

export function lock(): Promise<void> {
  return call("lock");
}

export function today(): Promise<DayView> {
  return call("today");
}

/** Adds a reflection dated today; resolves to the refreshed day. */
export function addReflection(text: string): Promise<DayView> {
  return call("add_reflection", { text });
}
