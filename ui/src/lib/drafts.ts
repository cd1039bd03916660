// Drafts saved as you type, inside the encrypted journal (never localStorage, which would
// be plain text on disk): debounced ~500 ms, flushed on save, screen change and lock.

import { debounce, DRAFT_DELAY_MS, type Debounced } from "./debounce";

export interface DraftBackend {
  save(key: string, text: string): Promise<unknown>;
  load(key: string): Promise<{ text: string } | null>;
  clear(key: string): Promise<unknown>;
}

export interface Drafter {
  /** Call on every input with the field's whole text. */
  changed(text: string): void;
  /** Saves now what is pending. */
  flush(): void;
  /** The saved draft, if any. */
  restore(): Promise<string | null>;
  /** The item was saved: forget the draft. */
  clear(): Promise<void>;
}

const live = new Set<Debounced<[string]>>();

/** Flushes every pending draft (before locking or leaving a screen). */
export function flushAllDrafts(): void {
  for (const d of live) d.flush();
}

export function drafter(key: string, backend: DraftBackend, delay = DRAFT_DELAY_MS): Drafter {
  const save = debounce((text: string) => {
    backend.save(key, text).catch(() => {
      /* a locked journal cannot keep drafts; the text stays in the field */
    });
  }, delay);
  live.add(save);
  return {
    changed: (text) => save(text),
    flush: () => save.flush(),
    restore: async () => {
      try {
        return (await backend.load(key))?.text ?? null;
      } catch {
        return null;
      }
    },
    clear: async () => {
      save.cancel();
      try {
        await backend.clear(key);
      } catch {
        /* nothing to clear */
      }
    },
  };
}
