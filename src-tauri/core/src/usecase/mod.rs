//! The use cases every host shares: what the window and `asym` each do, written once.
//!
//! A host (the Tauri shell, the CLI, a test) gathers input its own way — a form, flags, a
//! prompt — and calls one function here, which applies every rule (which folder, which
//! passphrase is acceptable, where files go and whether one may be replaced, in which
//! order a received file is checked) and returns either the result or a typed error (with
//! the [`Field`](crate::Field) at fault). Hosts word their own hints; they never restate
//! a rule. Nothing here knows Tauri or clap.
//!
//! New use cases (backups, salvage, import, sync) belong here too.

pub mod backup;
pub mod check;
pub mod export;
pub mod folder;
pub mod import;
pub mod keys;
pub mod open;
pub mod paths;
pub mod policy;
pub mod salvage;
pub mod trust;

pub use backup::{after_unlock, backup_before, backup_if_due, backup_now};
pub use check::{check_journal, quick_check};
pub use export::{Encryption, ExportPlan, ExportRequest, plan_export, run_export};
pub use folder::{DATA_DIR_ENV, data_dir};
pub use import::{ImportRequest, ImportStep, NeedsInput, import_received};
pub use open::{create_journal, open_journal, recover_journal};
pub use paths::typed_path;
pub use salvage::{
    Damage, ReadAround, RepairReport, SalvageReport, read_around, repair, repair_open, repair_with,
    salvage, salvage_with,
};
