// Drafts backed by the journal, through ipc.ts.
import * as ipc from "./ipc";
import { drafter as make, type Drafter } from "./lib/drafts";

const backend = { save: ipc.saveDraft, load: ipc.draft, clear: ipc.clearDraft };

export function drafter(key: string): Drafter {
  return make(key, backend);
}
export { flushAllDrafts } from "./lib/drafts";
