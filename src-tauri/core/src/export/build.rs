//! Turning a [`Selection`] into a [`Bundle`]: the one place that decides what leaves.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use asymptote_science::curves::{self, Point};

use super::{
    BUNDLE_FORMAT, BUNDLE_VERSION, Bundle, CurveSummary, Exported, Format, GoldilocksSummary,
    Preview, PreviewItem, Producer, ProgressSummary, Selection, SelectionSummary, SharedChallenge,
};
use crate::domain::{Id, Kind, Session};
use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::progress::Progress;

/// How many points of the fitted curve a bundle carries for drawing.
const CURVE_SAMPLES: usize = 64;

fn fin(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

impl Journal {
    /// Finds the one item of any kind whose id is `text`, or starts or ends with it.
    pub fn resolve_any(&self, text: &str) -> Result<(Kind, Id)> {
        let t = text.trim();
        if t.parse::<Id>().is_err()
            && (t.len() < 4 || !t.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
        {
            return Err(Error::field(
                crate::error::Field::Id,
                format!("`{text}` is not an item id; give at least 4 characters of one."),
            ));
        }
        let mut found = Vec::new();
        for kind in [
            Kind::Purpose,
            Kind::Challenge,
            Kind::Session,
            Kind::Reflection,
            Kind::Checkin,
            Kind::AuditItem,
        ] {
            match self.resolve_id(kind, text) {
                Ok(id) if self.kind_of(id)? == Some(kind) => found.push((kind, id)),
                Ok(_) | Err(Error::NotFound { .. }) => {}
                Err(Error::Ambiguous { .. }) => {
                    return Err(Error::Ambiguous {
                        kind: "item",
                        id: text.to_string(),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::field(
                crate::error::Field::Id,
                format!("No item matches `{text}`; check the id and try again."),
            )),
            _ => Err(Error::Ambiguous {
                kind: "item",
                id: text.to_string(),
            }),
        }
    }

    /// The kind of the item with this full id, if any.
    pub(crate) fn kind_of(&self, id: Id) -> Result<Option<Kind>> {
        let id = id.to_string();
        for kind in [
            Kind::Purpose,
            Kind::Challenge,
            Kind::Session,
            Kind::Reflection,
            Kind::Checkin,
            Kind::AuditItem,
        ] {
            let n: i64 = self.conn.query_row(
                &format!("SELECT count(*) FROM {} WHERE id = ?1", kind.table()),
                [&id],
                |r| r.get(0),
            )?;
            if n > 0 {
                return Ok(Some(kind));
            }
        }
        Ok(None)
    }

    /// Builds the bundle a selection describes. Private items and audit items are absent
    /// unless picked one by one; excluded items are absent whatever else says.
    pub fn build_bundle(&self, sel: &Selection) -> Result<Bundle> {
        self.build_bundle_with(sel, true)
    }

    /// [`Journal::build_bundle`]; with `fit` off the shared challenges carry no curve or
    /// calibration (only their data points), which is all a preview needs: the same items,
    /// without fitting ten years of sessions on every click.
    fn build_bundle_with(&self, sel: &Selection, fit: bool) -> Result<Bundle> {
        self.bundle_from(&self.everything()?, sel, fit)
    }

    /// Every item of the journal, read once for a bundle and its candidates.
    fn everything(&self) -> Result<Everything> {
        Ok(Everything {
            purposes: self.purposes()?,
            challenges: self.challenges(None)?,
            sessions: self.sessions(None)?,
            reflections: self.reflections()?,
            checkins: self.checkins()?,
            audit_items: self.audit_items()?,
        })
    }

    fn bundle_from(&self, all: &Everything, sel: &Selection, fit: bool) -> Result<Bundle> {
        if sel.from > sel.to {
            return Err(Error::field(
                crate::error::Field::To,
                format!(
                    "The period ends ({}) before it starts ({}); put the first day before the last.",
                    sel.to, sel.from
                ),
            ));
        }
        let picked: HashSet<Id> = sel.picked.iter().copied().collect();
        let excluded: HashSet<Id> = sel.excluded.iter().copied().collect();
        if let Some(both) = sel.picked.iter().find(|id| excluded.contains(id)) {
            return Err(Error::invalid(format!(
                "The item {both} is both picked and excluded; choose one."
            )));
        }
        for &id in &sel.picked {
            if self.kind_of(id)?.is_none() {
                return Err(Error::NotFound {
                    kind: "item",
                    id: id.to_string(),
                });
            }
        }
        for (i, q) in sel.agenda.iter().enumerate() {
            if q.trim().is_empty() {
                return Err(Error::invalid(format!(
                    "Agenda question {} is empty; give some text or leave it out.",
                    i + 1
                )));
            }
        }
        let in_range = |d: chrono::NaiveDate| d >= sel.from && d <= sel.to;
        // Whether an item may leave: picked, or (not private, in a chosen section and range).
        let shareable =
            |id: Id, private: bool| !excluded.contains(&id) && (picked.contains(&id) || !private);
        let chosen = |id: Id, private: bool, section: bool, day: chrono::NaiveDate| {
            !excluded.contains(&id)
                && (picked.contains(&id) || (!private && section && in_range(day)))
        };

        let all_sessions = &all.sessions;
        let all_challenges = &all.challenges;
        let private_challenge: HashMap<Id, bool> = all_challenges
            .iter()
            .map(|c| (c.meta.id, c.meta.private))
            .collect();
        // A session of a private challenge stays home unless the session or its challenge
        // was picked.
        let session_ok = |s: &Session| {
            let challenge_private = private_challenge
                .get(&s.challenge_id)
                .copied()
                .unwrap_or(true);
            let challenge_ok = !challenge_private || picked.contains(&s.challenge_id);
            picked.contains(&s.meta.id) || challenge_ok
        };

        let sessions: Vec<Session> = all_sessions
            .iter()
            .filter(|s| {
                chosen(
                    s.meta.id,
                    s.meta.private,
                    sel.sections.practice_and_feedback,
                    s.meta.when.day,
                ) && session_ok(s)
            })
            .cloned()
            .collect();

        let mut by_challenge: HashMap<Id, Vec<&Session>> = HashMap::new();
        for s in all_sessions {
            if s.meta.when.day <= sel.to && shareable(s.meta.id, s.meta.private) {
                by_challenge.entry(s.challenge_id).or_default().push(s);
            }
        }
        let relevant_ids = relevant_challenges(all, sel);
        let taken: Vec<&crate::domain::Challenge> = all_challenges
            .iter()
            .filter(|c| {
                let id = c.meta.id;
                !excluded.contains(&id)
                    && (picked.contains(&id)
                        || (!c.meta.private
                            && sel.sections.challenges_and_progress
                            && relevant_ids.contains(&id)))
            })
            .collect();
        // The norm for the flow reading: the ratings of the sessions this bundle draws on.
        let history = crate::progress::ratings_of(
            taken
                .iter()
                .filter_map(|c| by_challenge.get(&c.meta.id))
                .flatten()
                .copied(),
        );

        let mut challenges = Vec::new();
        for c in taken.into_iter().cloned() {
            let id = c.meta.id;
            let c_target = c.target_rate;
            let mine = by_challenge.remove(&id).unwrap_or_default();
            let progress = if fit {
                summarize(
                    &Journal::progress_from_sessions(c.clone(), &mine, None, &history)?,
                    c_target,
                )
            } else {
                unfitted(&c, mine.len())
            };
            challenges.push(SharedChallenge {
                challenge: c,
                progress,
            });
        }

        let purposes = all
            .purposes
            .iter()
            .filter(|p| {
                !excluded.contains(&p.meta.id)
                    && (picked.contains(&p.meta.id)
                        || (!p.meta.private && sel.sections.purposes && p.meta.when.day <= sel.to))
            })
            .cloned()
            .collect();
        let reflections = all
            .reflections
            .iter()
            .filter(|r| {
                chosen(
                    r.meta.id,
                    r.meta.private,
                    sel.sections.reflections,
                    r.meta.when.day,
                )
            })
            .cloned()
            .collect();
        let checkins = all
            .checkins
            .iter()
            .filter(|c| {
                chosen(
                    c.meta.id,
                    c.meta.private,
                    sel.sections.autonomy,
                    c.meta.when.day,
                )
            })
            .cloned()
            .collect();
        // The motivation audit concerns the employer: only items picked one by one leave.
        let audit_items = all
            .audit_items
            .iter()
            .filter(|a| picked.contains(&a.meta.id))
            .cloned()
            .collect();

        // Links point only at items in the bundle: an id of an item left home would tell the
        // reader it exists.
        let mut purposes: Vec<crate::domain::Purpose> = purposes;
        let mut reflections: Vec<crate::domain::Reflection> = reflections;
        let inside: HashSet<Id> = purposes
            .iter()
            .map(|p| p.meta.id)
            .chain(challenges.iter().map(|c| c.challenge.meta.id))
            .chain(sessions.iter().map(|s| s.meta.id))
            .chain(reflections.iter().map(|r| r.meta.id))
            .collect();
        for p in &mut purposes {
            p.challenge_ids.retain(|id| inside.contains(id));
        }
        for c in &mut challenges {
            c.challenge.purpose_ids.retain(|id| inside.contains(id));
        }
        for r in &mut reflections {
            r.session_ids.retain(|id| inside.contains(id));
            r.challenge_ids.retain(|id| inside.contains(id));
            r.purpose_ids.retain(|id| inside.contains(id));
        }

        let status = self.status()?;
        let name = self
            .setting::<String>("display_name")?
            .filter(|n| !n.trim().is_empty());
        let mut picked_sorted: Vec<Id> = sel.picked.clone();
        picked_sorted.sort();
        picked_sorted.dedup();
        let bundle = Bundle {
            format: BUNDLE_FORMAT.to_string(),
            version: BUNDLE_VERSION,
            producer: Producer {
                journal_id: status.journal_id,
                name,
                app: format!("asymptote {}", env!("CARGO_PKG_VERSION")),
                created_at: crate::domain::When::now().at,
            },
            selection: SelectionSummary {
                from: sel.from,
                to: sel.to,
                sections: sel.sections,
                picked: picked_sorted,
                recipient: sel
                    .recipient
                    .as_ref()
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty()),
            },
            purposes,
            challenges,
            sessions,
            reflections,
            checkins,
            audit_items,
            agenda: sel.agenda.iter().map(|q| q.trim().to_string()).collect(),
        };
        bundle.validate()?;
        Ok(bundle)
    }

    /// The items of the selection's period that the file will **not** hold: private items,
    /// audit items, items of sections not chosen, and items left out. The person picks
    /// from these one by one (or puts a left-out item back). Newest first.
    pub fn share_candidates(&self, sel: &Selection) -> Result<Vec<PreviewItem>> {
        Ok(self.preview_with_candidates(sel)?.1)
    }

    /// The preview and the candidates together, building the bundle once (the share
    /// screen asks for both on every change).
    pub fn preview_with_candidates(&self, sel: &Selection) -> Result<(Preview, Vec<PreviewItem>)> {
        let all = self.everything()?;
        let bundle = self.bundle_from(&all, sel, false)?;
        let candidates = candidates_beside(&all, sel, &bundle);
        Ok((Preview::of(&bundle), candidates))
    }

    /// Exactly what a file made from this selection will contain.
    pub fn preview(&self, sel: &Selection) -> Result<Preview> {
        Ok(Preview::of(&self.build_bundle_with(sel, false)?))
    }

    /// Builds, renders and writes an export atomically, then records the share.
    pub fn export(&mut self, sel: &Selection, format: Format, path: &Path) -> Result<Exported> {
        // The one export pipeline, with no signature and no encryption (no key is read).
        let done = crate::protect::export_protected(
            self,
            &crate::keystore::NoKeyStore,
            sel,
            format,
            path,
            false,
            None,
        )?;
        Ok(Exported {
            path: done.path,
            format,
            bytes: done.bytes,
            preview: done.preview,
            record: done.record,
        })
    }
}

/// A shared challenge's progress in a preview: the count only, nothing fitted.
fn unfitted(c: &crate::domain::Challenge, sessions: usize) -> ProgressSummary {
    ProgressSummary {
        axis: crate::progress::PracticeAxis::Sessions,
        sessions,
        measure_name: c.measure.name.clone(),
        measure_unit: c.measure.unit.clone(),
        higher_is_better: c.measure.higher_is_better,
        points: Vec::new(),
        curve: None,
        refusal: None,
        explanation: Vec::new(),
        goldilocks: GoldilocksSummary {
            zone: None,
            successes: None,
            attempts: None,
            rate: None,
            rate_low: None,
            rate_high: None,
            target: c.target_rate,
            current_difficulty: None,
            suggested_difficulty: None,
            evidence: Vec::new(),
        },
    }
}

impl CurveSummary {
    /// The fit as drawn, by the window's Progress screen and inside a bundle alike: its
    /// verdicts (only finite numbers, as JSON has no others) and `samples` points of the
    /// curve, evenly spaced from no practice to `through`. `None` when the fit has no
    /// finite asymptote.
    pub fn sampled(fit: &curves::CurveFit, through: f64, samples: usize) -> Option<Self> {
        let asymptote = fin(fit.asymptote)?;
        let last = samples.saturating_sub(1).max(1) as f64;
        let xs: Vec<f64> = (0..samples).map(|i| through * i as f64 / last).collect();
        Some(CurveSummary {
            model: fit.best.name().to_string(),
            asymptote,
            asymptote_low: fin(fit.asymptote_interval.low),
            asymptote_high: fin(fit.asymptote_interval.high),
            confidence: fin(fit.confidence).unwrap_or(0.95),
            current_level: fin(fit.current_level).unwrap_or(asymptote),
            gap_closed: fin(fit.gap_closed).unwrap_or(0.0).clamp(0.0, 1.0),
            samples: curves::sample_curve(fit, &xs)
                .into_iter()
                .filter(|q| q.y.is_finite())
                .collect(),
        })
    }
}

/// A progress as a bundle carries it.
fn summarize(p: &Progress, target_rate: f64) -> ProgressSummary {
    let points: Vec<Point> = p
        .points
        .iter()
        .copied()
        .filter(|q| q.x.is_finite() && q.y.is_finite())
        .collect();
    let curve = p.fit.as_ref().and_then(|f| {
        let max_x = points
            .iter()
            .map(|q| q.x)
            .fold(0.0_f64, f64::max)
            .max(f.last_x);
        let end = if max_x > 0.0 { max_x * 1.1 } else { 1.0 };
        CurveSummary::sampled(f, end, CURVE_SAMPLES)
    });
    let cal = &p.calibration;
    let cl = cal.classification.as_ref();
    ProgressSummary {
        axis: p.axis,
        sessions: p.sessions,
        measure_name: p.measure_name.clone(),
        measure_unit: p.measure_unit.clone(),
        higher_is_better: p.higher_is_better,
        points,
        refusal: if curve.is_none() {
            Some(p.refusal.as_ref().map_or_else(
                || "no curve could be fitted".to_string(),
                ToString::to_string,
            ))
        } else {
            None
        },
        curve,
        explanation: p.explanation.clone(),
        goldilocks: GoldilocksSummary {
            zone: cl.map(|c| c.zone),
            successes: cl.map(|c| c.successes),
            attempts: cl.map(|c| c.attempts),
            rate: cl.and_then(|c| fin(c.rate)),
            rate_low: cl.and_then(|c| fin(c.interval.low)),
            rate_high: cl.and_then(|c| fin(c.interval.high)),
            target: cl.map_or(target_rate, |c| c.target),
            current_difficulty: cal.current_difficulty.and_then(fin),
            suggested_difficulty: cal.suggested_difficulty.and_then(fin),
            evidence: cal.explanation.clone(),
        },
    }
}

pub use crate::fsutil::clean_stale_temps;

/// Every item of the journal, read once for a bundle and its candidates.
struct Everything {
    purposes: Vec<crate::domain::Purpose>,
    challenges: Vec<crate::domain::Challenge>,
    sessions: Vec<Session>,
    reflections: Vec<crate::domain::Reflection>,
    checkins: Vec<crate::domain::Checkin>,
    audit_items: Vec<crate::domain::AuditItem>,
}

/// The challenges a period concerns: made by its end, and practised in it, made in it, or
/// still active. The one rule for what a bundle shares and what the candidates offer.
fn relevant_challenges(all: &Everything, sel: &Selection) -> HashSet<Id> {
    let in_range = |d: chrono::NaiveDate| d >= sel.from && d <= sel.to;
    let practised: HashSet<Id> = all
        .sessions
        .iter()
        .filter(|s| in_range(s.meta.when.day))
        .map(|s| s.challenge_id)
        .collect();
    all.challenges
        .iter()
        .filter(|c| {
            c.meta.when.day <= sel.to
                && (practised.contains(&c.meta.id)
                    || in_range(c.meta.when.day)
                    || c.status == crate::domain::ChallengeStatus::Active)
        })
        .map(|c| c.meta.id)
        .collect()
}

/// The items of the period that `bundle` does not hold (see [`Journal::share_candidates`]).
fn candidates_beside(all: &Everything, sel: &Selection, bundle: &Bundle) -> Vec<PreviewItem> {
    let inside: HashSet<Id> = bundle.item_ids().into_iter().collect();
    let in_range = |d: chrono::NaiveDate| d >= sel.from && d <= sel.to;
    let mut out = Vec::new();
    let mut push = |kind, meta: &crate::domain::Meta, title: String| {
        if !inside.contains(&meta.id) {
            out.push(PreviewItem {
                kind,
                id: meta.id,
                day: meta.when.day,
                title: super::preview::one_line(&title),
                private: meta.private,
            });
        }
    };
    for p in &all.purposes {
        if p.meta.when.day <= sel.to {
            push(Kind::Purpose, &p.meta, p.title.clone());
        }
    }
    let (challenges, sessions) = (&all.challenges, &all.sessions);
    let relevant = relevant_challenges(all, sel);
    for c in challenges {
        if relevant.contains(&c.meta.id) {
            push(Kind::Challenge, &c.meta, c.skill.clone());
        }
    }
    let skill: HashMap<Id, &str> = challenges
        .iter()
        .map(|c| (c.meta.id, c.skill.as_str()))
        .collect();
    for s in sessions.iter().filter(|s| in_range(s.meta.when.day)) {
        let name = skill.get(&s.challenge_id).copied().unwrap_or("a challenge");
        push(
            Kind::Session,
            &s.meta,
            super::preview::session_title(name, &s.data),
        );
    }
    for r in &all.reflections {
        if in_range(r.meta.when.day) {
            push(
                Kind::Reflection,
                &r.meta,
                super::preview::reflection_title(r),
            );
        }
    }
    for c in &all.checkins {
        if in_range(c.meta.when.day) {
            push(Kind::Checkin, &c.meta, super::preview::checkin_title(c));
        }
    }
    for a in &all.audit_items {
        if in_range(a.meta.when.day) {
            push(Kind::AuditItem, &a.meta, super::preview::audit_title(a));
        }
    }
    out.sort_by(|a, b| b.day.cmp(&a.day).then(a.title.cmp(&b.title)));
    out
}
