//! `asym share …`: choose what to share with a manager, preview exactly what leaves, write
//! it in a standard format (optionally signed and age-encrypted), and keep a record.

use std::path::PathBuf;

use asymptote_core::export::{Format, Preview, Sections, Selection, ShareRecord};
use asymptote_core::*;
use clap::{Args, Subcommand};

use crate::input;
use crate::manager::Opts;

#[derive(Debug, Clone, Subcommand)]
pub enum ShareCmd {
    /// Show exactly what an export with these choices would contain; writes nothing.
    Preview(Choose),
    /// Write the chosen items to a file and record the share.
    Export(ExportArgs),
    /// What you have shared: when, in which format, for whom, which items.
    Log,
}

/// What to share. Private items, and the motivation audit, stay out unless picked one by one.
#[derive(Debug, Clone, Args)]
pub struct Choose {
    /// First day (YYYY-MM-DD, "today", "yesterday").
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day, included.
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// Sections to share, comma-separated: challenges, practice, reflections, purposes,
    /// autonomy (default: all of them).
    #[arg(long, value_name = "LIST")]
    pub sections: Option<String>,
    /// Include this item whatever its date, section or privacy (repeatable).
    #[arg(long = "pick", value_name = "ID")]
    pub pick: Vec<String>,
    /// Leave this item out (repeatable).
    #[arg(long = "exclude", value_name = "ID")]
    pub exclude: Vec<String>,
    /// A question of yours for the one-on-one's agenda (repeatable).
    #[arg(long = "agenda", value_name = "QUESTION")]
    pub agenda: Vec<String>,
    /// For whom the export is (a name).
    #[arg(long = "for", value_name = "NAME")]
    pub recipient: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub choose: Choose,
    /// json, md, html, csv or pdf.
    #[arg(long, value_name = "FORMAT")]
    pub format: String,
    /// The file to write (`.age` is added when encrypted); an existing file is refused
    /// unless --replace is given.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Write over the file (and its signature) if they exist, atomically.
    #[arg(long)]
    pub replace: bool,
    /// Sign the file with this journal's key (minisign format; FILE.minisig beside it).
    #[arg(long)]
    pub sign: bool,
    /// Encrypt the file with age to this public key (age1…).
    #[arg(long, value_name = "AGE_PUBLIC_KEY")]
    pub encrypt_to: Option<String>,
    /// Encrypt the file with age to a passphrase (ASYMPTOTE_AGE_PASSPHRASE or a prompt).
    #[arg(long)]
    pub encrypt_passphrase: bool,
}

fn short(id: Id) -> String {
    let s = id.to_string();
    s[s.len().saturating_sub(8)..].to_string()
}

fn selection(j: &Journal, c: &Choose) -> Result<Selection> {
    let mut sel = Selection::new(input::day(&c.from)?, input::day(&c.to)?);
    if let Some(list) = &c.sections {
        sel.sections = Sections::parse(list)?;
    }
    for p in &c.pick {
        sel.picked.push(j.resolve_any(p)?.1);
    }
    for e in &c.exclude {
        sel.excluded.push(j.resolve_any(e)?.1);
    }
    sel.agenda = c.agenda.clone();
    sel.recipient = c.recipient.clone();
    Ok(sel)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn preview_text(p: &Preview, verb: &str) -> String {
    let mut s = format!("{verb}, {} to {}", p.from, p.to);
    if let Some(r) = &p.recipient {
        s.push_str(&format!(" for {r}"));
    }
    s.push_str(":\n");
    let c = &p.counts;
    let mut counts = vec![
        plural(c.challenges, "challenge", "challenges"),
        plural(c.sessions, "practice session", "practice sessions"),
        plural(c.reflections, "reflection", "reflections"),
        plural(c.purposes, "purpose", "purposes"),
        plural(c.checkins, "check-in", "check-ins"),
    ];
    if c.audit_items > 0 {
        counts.push(plural(c.audit_items, "audit item", "audit items"));
    }
    counts.push(plural(c.agenda, "agenda question", "agenda questions"));
    s.push_str(&format!("  {}\n", counts.join(", ")));
    for i in &p.items {
        s.push_str(&format!(
            "  {:<10} {}  {}  {}{}\n",
            i.kind.as_str().replace('_', " "),
            short(i.id),
            i.day,
            i.title,
            if i.private { "  (private, picked)" } else { "" }
        ));
    }
    for (n, q) in p.agenda.iter().enumerate() {
        s.push_str(&format!("  agenda {}. {q}\n", n + 1));
    }
    if let Some(n) = &p.note {
        s.push_str(&format!("{n}\n"));
    }
    s.push_str(
        "Nothing else leaves: private items and the motivation audit stay out unless picked with --pick.",
    );
    s
}

pub fn share(o: &Opts, c: ShareCmd) -> Result<()> {
    match c {
        ShareCmd::Preview(choose) => {
            let j = o.open()?;
            let sel = selection(&j, &choose)?;
            let p = j.preview(&sel)?;
            crate::cmd::unreadable_notes(&j);
            o.print(&p, || preview_text(&p, "An export would hold"))
        }
        ShareCmd::Export(a) => {
            let format = Format::parse(&a.format)?;
            let mut j = o.open()?;
            let selection = selection(&j, &a.choose)?;
            let cwd = crate::cmd::cwd();
            let path = a.out.to_string_lossy().into_owned();
            let encrypted = a.encrypt_to.is_some() || a.encrypt_passphrase;
            // Refuse a taken name before asking for a passphrase.
            usecase::plan_export(&path, encrypted, a.sign, cwd.as_deref())?.check(a.replace)?;
            let encryption = crate::manager::encryption(a.encrypt_to, a.encrypt_passphrase)?;
            let request = usecase::ExportRequest {
                selection,
                format,
                path,
                sign: a.sign,
                encryption,
                replace: a.replace,
            };
            let done = usecase::run_export(&mut j, &OsKeyring::new(), request, cwd.as_deref())?;
            // An item that could not be read did not leave: say which.
            crate::cmd::unreadable_notes(&j);
            o.print(&done, || {
                let mut s = preview_text(&done.preview, &format!("Wrote {}", done.path.display()));
                s.push_str(&format!(
                    "\n{} bytes, {}{}; recorded as share {} (see `asym share log`).",
                    done.bytes,
                    format.as_str(),
                    if done.encrypted {
                        ", age-encrypted"
                    } else {
                        ""
                    },
                    short(done.record.id)
                ));
                if let Some(sig) = &done.signature {
                    s.push_str(&format!("\nSignature: {}", sig.display()));
                }
                s
            })
        }
        ShareCmd::Log => {
            let j = o.open()?;
            let shares: Vec<ShareRecord> = j.shares()?;
            o.print(&shares, || {
                if shares.is_empty() {
                    return "Nothing shared yet.".into();
                }
                shares
                    .iter()
                    .map(|r| {
                        format!(
                            "{}  {}  {:<4} {}  {} to {}  {} item(s){}  sha256 {}",
                            short(r.id),
                            r.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M"),
                            r.format.as_str(),
                            r.file_name,
                            r.from,
                            r.to,
                            r.item_ids.len(),
                            r.recipient
                                .as_ref()
                                .map(|n| format!(" for {n}"))
                                .unwrap_or_default(),
                            &r.sha256[..16.min(r.sha256.len())]
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
    }
}
