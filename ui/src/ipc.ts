// The one bridge between the window and the Rust shell: every `invoke` lives here, typed
// with the bindings generated from the Rust types (scripts/gen-bindings.sh), so components
// call plain functions and never spell a command name.
import { invoke } from "@tauri-apps/api/core";
import type {
  AuditItem,
  Challenge,
  ChallengeStatus,
  Checkin,
  CreatedJournal,
  DayView,
  Draft,
  JournalStatus,
  NewAuditItem,
  NewChallenge,
  NewCheckin,
  NewPurpose,
  NewReflection,
  NewSession,
  PracticeAxis,
  ProgressView,
  Prompt,
  Purpose,
  Reflection,
  SearchHit,
  Session,
  Settings,
  Status,
  Agenda,
  AgendaItem,
  Bundle,
  ExportPlan,
  ExportRequest,
  Field,
  Format,
  ImportRequest,
  NewAgendaItem,
  Person,
  ProtectedExport,
  ReceivedBundle,
  Selection,
  SharePreview,
  ShareRecord,
  SigningKeyInfo,
  Timeline,
  TrustedKey,
} from "./bindings";

export type * from "./bindings";

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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toIpcError(error);
  }
}

// Opening and closing
export const journalStatus = () => call<JournalStatus>("journal_status");
export const createJournal = (passphrase: string | null) =>
  call<CreatedJournal>("create_journal", { passphrase });
export const unlock = (passphrase: string | null = null) => call<null>("unlock", { passphrase });
export const recover = (recoveryKey: string) => call<null>("recover", { recoveryKey });
export const lock = () => call<null>("lock");
export const appReady = () => call<null>("app_ready");
export const status = () => call<Status>("status");
export const day = (date: string | null = null) => call<DayView>("day", { date });

// Purposes
export const purposes = () => call<Purpose[]>("purposes");
export const addPurpose = (item: NewPurpose) => call<Purpose>("add_purpose", { new: item });
export const updatePurpose = (item: Purpose) => call<Purpose>("update_purpose", { item });
export const deletePurpose = (id: string) => call<null>("delete_purpose", { id });

// Challenges
export const challenges = (status: ChallengeStatus | null = null) =>
  call<Challenge[]>("challenges", { status });
export const addChallenge = (item: NewChallenge) => call<Challenge>("add_challenge", { new: item });
export const updateChallenge = (item: Challenge) => call<Challenge>("update_challenge", { item });
export const deleteChallenge = (id: string) => call<null>("delete_challenge", { id });

// Sessions
export const sessions = (challengeId: string | null = null) =>
  call<Session[]>("sessions", { challengeId });
export const recentSessions = (limit: number, skip = 0) =>
  call<Session[]>("recent_sessions", { limit, skip });
export const addSession = (item: NewSession) => call<Session>("add_session", { new: item });
export const updateSession = (item: Session) => call<Session>("update_session", { item });
export const deleteSession = (id: string) => call<null>("delete_session", { id });

// Reflections
export const gibbsPrompts = () => call<Prompt[]>("gibbs_prompts");
export const reflections = () => call<Reflection[]>("reflections");
export const recentReflections = (limit: number, skip = 0) =>
  call<Reflection[]>("recent_reflections", { limit, skip });
export const reflectionsPerPurpose = () => call<[string, number][]>("reflections_per_purpose");
export const addReflection = (item: NewReflection) =>
  call<Reflection>("add_reflection", { new: item });
export const updateReflection = (item: Reflection) =>
  call<Reflection>("update_reflection", { item });
export const deleteReflection = (id: string) => call<null>("delete_reflection", { id });

// Autonomy
export const checkins = () => call<Checkin[]>("checkins");
export const addCheckin = (item: NewCheckin) => call<Checkin>("add_checkin", { new: item });
export const updateCheckin = (item: Checkin) => call<Checkin>("update_checkin", { item });
export const deleteCheckin = (id: string) => call<null>("delete_checkin", { id });
export const auditItems = () => call<AuditItem[]>("audit_items");
export const addAuditItem = (item: NewAuditItem) => call<AuditItem>("add_audit_item", { new: item });
export const updateAuditItem = (item: AuditItem) => call<AuditItem>("update_audit_item", { item });
export const deleteAuditItem = (id: string) => call<null>("delete_audit_item", { id });

// Search and progress
export const search = (query: string, limit = 50) => call<SearchHit[]>("search", { query, limit });
export const progress = (id: string, axis: PracticeAxis | null = null) =>
  call<ProgressView>("progress", { id, axis });
export const progressAll = (axis: PracticeAxis | null = null) =>
  call<ProgressView[]>("progress_all", { axis });

// Drafts (inside the encrypted journal; never localStorage)
export const saveDraft = (key: string, text: string) => call<null>("save_draft", { key, text });
export const draft = (key: string) => call<Draft | null>("draft", { key });
export const clearDraft = (key: string) => call<null>("clear_draft", { key });

// Settings
export const settings = () => call<Settings>("settings");
export const setSettings = (value: Settings) => call<Settings>("set_settings", { settings: value });

// One-on-ones: the person's side. Paths are typed or chosen with the system dialog, which
// the shell opens (the window has no file-system permission).
export const sharePreview = (selection: Selection, format: Format) =>
  call<SharePreview>("share_preview", { selection, format });
export const shareExport = (request: ExportRequest) => call<ProtectedExport>("share_export", { request });
export const planExport = (path: string, encrypted: boolean, signed: boolean) =>
  call<ExportPlan>("plan_export", { path, encrypted, signed });
export const exportPathForFormat = (path: string, format: Format) =>
  call<string>("export_path_for_format", { path, format });
export const shareLog = () => call<ShareRecord[]>("share_log");
export const signingKey = () => call<SigningKeyInfo>("signing_key");
export const saveSigningKey = (path: string, replace: boolean) =>
  call<string>("save_signing_key", { path, replace });
export const suggestExportPath = (format: Format, from: string, to: string) =>
  call<string>("suggest_export_path", { format, from, to });
export const chooseSavePath = (suggested: string) => call<string | null>("choose_save_path", { suggested });
export const chooseOpenPath = (title: string) => call<string | null>("choose_open_path", { title });

// One-on-ones: the manager's side (read-only copies of what people shared, and the agenda).
export const managerPeople = () => call<Person[]>("manager_people");
export const managerAddPerson = (name: string) => call<Person>("manager_add_person", { name });
export const managerTrustKey = (person: string, key: string) =>
  call<TrustedKey>("manager_trust_key", { person, key });
export const managerImport = (request: ImportRequest) => call<ReceivedBundle>("manager_import", { request });
export const managerTimeline = (person: string) => call<Timeline>("manager_timeline", { person });
export const managerBundle = (person: string, id: string) => call<Bundle>("manager_bundle", { person, id });
export const managerAgenda = (person: string, includeClosed = false) =>
  call<Agenda>("manager_agenda", { person, includeClosed });
export const agendaAdd = (person: string, item: NewAgendaItem) => call<AgendaItem>("agenda_add", { person, item });
export const agendaClose = (person: string, id: string) => call<AgendaItem>("agenda_close", { person, id });
export const agendaHeld = (person: string, on: string | null = null) => call<Agenda>("agenda_held", { person, on });
