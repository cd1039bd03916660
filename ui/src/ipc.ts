// The one bridge between the window and the Rust shell. Components call plain functions
// from here and never spell a command name: one function per `#[tauri::command]`,
// generated from the Rust signatures into ipc.generated.ts (scripts/gen-bindings.sh), typed
// with the bindings generated from the Rust types (ui/src/bindings/). What is not
// mechanical (the error type, the `invoke` wrapper) is written by hand in ipc-call.ts.
export { IpcError, toIpcError } from "./ipc-call";
export * from "./ipc.generated";
export type * from "./bindings";
