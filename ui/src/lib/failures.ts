// What the gate says for each failure the core reports (its `kind`), beyond the core's
// own one-sentence message: a title, advice, and which way out to offer.

export interface Failure {
  title: string;
  advice: string;
  retry: boolean;
  recovery: boolean;
  /** Offer the repair (the core's salvage in place, filled from the newest backup). */
  repair?: boolean;
}

export function failureFor(kind: string, keyMode: "keyring" | "passphrase" | null): Failure {
  switch (kind) {
    case "wrong_key":
      return {
        title: "That key did not open the journal",
        advice:
          keyMode === "passphrase"
            ? "Check the passphrase, or use the recovery key you wrote down."
            : "The keyring holds a different key than this journal's. Use the recovery key you wrote down to put the right one back.",
        retry: keyMode === "passphrase",
        recovery: true,
      };
    case "damaged":
      return {
        title: "The journal file is damaged",
        advice:
          "Nothing was changed. Repair puts back every entry that can still be read, fills what cannot from the newest backup, and keeps the damaged file aside. (The recovery key cannot repair a damaged file.)",
        retry: false,
        recovery: false,
        repair: true,
      };
    case "read_only":
      return {
        title: "The journal's folder is read-only",
        advice: "Nothing was changed. Make the folder writable (or copy the journal to a writable one and start Asymptote with --data-dir), then try again.",
        retry: true,
        recovery: false,
      };
    case "disk_full":
      return {
        title: "The disk is full",
        advice: "Nothing was saved. Free some space on the disk holding the journal, then try again.",
        retry: true,
        recovery: false,
      };
    case "key_missing":
      return {
        title: "The key is not in your keyring",
        advice: "This happens on a new computer or after the keyring entry was deleted. Type your recovery key to put the key back.",
        retry: true,
        recovery: true,
      };
    case "no_keyring":
      return {
        title: "No system keyring is reachable",
        advice: "Start your desktop's keyring (for example gnome-keyring), then try again. The recovery key also opens the journal.",
        retry: true,
        recovery: true,
      };
    case "keyring_locked":
      return {
        title: "Your keyring is locked",
        advice: "Unlock your system keyring (it usually asks for your login password), then try again.",
        retry: true,
        recovery: false,
      };
    case "too_new":
      return {
        title: "Made by a newer Asymptote",
        advice: "This journal was written by a newer version. Update Asymptote to open it; nothing was changed.",
        retry: false,
        recovery: false,
      };
    case "bad_metadata":
      return {
        title: "The journal's key file is unreadable",
        advice: "Nothing was changed. Restore journal.meta.json from a backup.",
        retry: false,
        recovery: false,
      };
    case "bad_recovery_key":
      return {
        title: "That recovery key is not well formed",
        advice: "Type it as it was shown: groups of letters and digits.",
        retry: false,
        recovery: true,
      };
    case "no_data_dir":
      return {
        title: "No place for the journal",
        advice: "Start Asymptote with --data-dir DIR or set ASYMPTOTE_DATA_DIR.",
        retry: false,
        recovery: false,
      };
    default:
      return { title: "The journal could not be opened", advice: "", retry: true, recovery: false };
  }
}
