//! The journal's domain: every part of the mission and the links between them.
//!
//! * [`Purpose`] — whom the work serves and why, in the person's own words (Pink's *purpose*).
//! * [`Challenge`] — a Goldilocks challenge: a skill, a goal, a measure, a difficulty and a
//!   target success rate (85 % by default, after Wilson et al. 2019).
//! * [`Session`] — a deliberate-practice session (Ericsson et al. 1993) with its [`Feedback`].
//! * [`Reflection`] — a growth-mindset reflection, free text and/or Gibbs's (1988) cycle.
//! * [`Checkin`] — autonomy over task, time, technique and team (Pink's four T's), 1–7.
//!   These are original check-in questions, not a validated scale.
//! * [`AuditItem`] — the motivation audit: if-then rewards and punishments, and tasks
//!   classified algorithmic or heuristic.
//!
//! Every item carries a `private` flag: private items never leave the machine in an
//! export unless the person picks them one by one. Reflections are private by default.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::names;

/// An item's id: a UUIDv7, so ids sort by creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct Id(pub uuid::Uuid);

impl Id {
    pub fn new() -> Self {
        Id(uuid::Uuid::now_v7())
    }
}

impl Default for Id {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Id {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        uuid::Uuid::parse_str(s)
            .map(Id)
            .map_err(|_| Error::invalid(format!("`{s}` is not a valid id.")))
    }
}

/// When an item happened: the instant, and the person's local offset and day then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct When {
    /// The instant, in UTC.
    pub at: DateTime<Utc>,
    /// The person's UTC offset at that instant, in seconds.
    pub offset_secs: i32,
    /// The person's local calendar day at that instant.
    pub day: NaiveDate,
}

impl When {
    /// From a local time; kept to the millisecond, as the store keeps it.
    pub fn from_local(t: DateTime<FixedOffset>) -> Self {
        use chrono::SubsecRound;
        let t = t.trunc_subsecs(3);
        When {
            at: t.with_timezone(&Utc),
            offset_secs: t.offset().local_minus_utc(),
            day: t.date_naive(),
        }
    }

    /// Now, in the machine's local time zone.
    pub fn now() -> Self {
        Self::from_local(chrono::Local::now().fixed_offset())
    }

    /// The local time as the person saw it.
    pub fn local(&self) -> DateTime<FixedOffset> {
        let off = FixedOffset::east_opt(self.offset_secs).unwrap_or_else(|| Utc.fix());
        self.at.with_timezone(&off)
    }
}

/// The person's local calendar day today.
pub fn local_today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Bookkeeping every item carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Meta {
    pub id: Id,
    pub when: When,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub private: bool,
}

// ---------------------------------------------------------------- purpose

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Purpose {
    #[serde(flatten)]
    pub meta: Meta,
    pub title: String,
    pub whom: Option<String>,
    pub why: Option<String>,
    /// Challenges linked to this purpose (read-only here: links are set on the challenge).
    pub challenge_ids: Vec<Id>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewPurpose {
    pub title: String,
    pub whom: Option<String>,
    pub why: Option<String>,
    pub private: bool,
    pub when: Option<DateTime<FixedOffset>>,
}

// -------------------------------------------------------------- challenge

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum ChallengeStatus {
    #[default]
    Active,
    Paused,
    Done,
}

impl ChallengeStatus {
    /// Its serde name.
    pub fn as_str(self) -> &'static str {
        names::name_of(&self)
    }
    /// From its serde name, ignoring case and surrounding space.
    pub fn parse(s: &str) -> Result<Self> {
        names::parse(s, "a challenge status")
    }
}

/// What a challenge measures, and which way is better.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Measure {
    pub name: Option<String>,
    pub unit: Option<String>,
    pub higher_is_better: bool,
}

impl Default for Measure {
    fn default() -> Self {
        Measure {
            name: None,
            unit: None,
            higher_is_better: true,
        }
    }
}

/// The default target success rate: the "85 % rule" (Wilson et al. 2019).
pub const DEFAULT_TARGET_RATE: f64 = 0.85;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Challenge {
    #[serde(flatten)]
    pub meta: Meta,
    pub skill: String,
    pub goal: Option<String>,
    pub measure: Measure,
    pub difficulty: Option<f64>,
    pub target_rate: f64,
    pub status: ChallengeStatus,
    pub purpose_ids: Vec<Id>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewChallenge {
    pub skill: String,
    pub goal: Option<String>,
    pub measure: Measure,
    pub difficulty: Option<f64>,
    /// The success rate to keep the challenge at; none: [`DEFAULT_TARGET_RATE`], decided here
    /// once rather than by each host.
    #[serde(default)]
    pub target_rate: Option<f64>,
    pub status: ChallengeStatus,
    pub purpose_ids: Vec<Id>,
    pub private: bool,
    pub when: Option<DateTime<FixedOffset>>,
}

impl Default for NewChallenge {
    fn default() -> Self {
        NewChallenge {
            skill: String::new(),
            goal: None,
            measure: Measure::default(),
            difficulty: None,
            target_rate: None,
            status: ChallengeStatus::Active,
            purpose_ids: Vec::new(),
            private: false,
            when: None,
        }
    }
}

// ---------------------------------------------------------------- session

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum FeedbackSource {
    #[default]
    #[serde(rename = "self")]
    SelfAssessed,
    Coach,
    Peer,
    Recording,
    Metric,
}

impl FeedbackSource {
    /// Its serde name.
    pub fn as_str(self) -> &'static str {
        names::name_of(&self)
    }
    /// From its serde name, ignoring case and surrounding space.
    pub fn parse(s: &str) -> Result<Self> {
        names::parse(s, "a feedback source")
    }
}

/// One piece of feedback a session got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS)]
#[ts(export)]
pub struct Feedback {
    pub source: FeedbackSource,
    /// How soon after the attempt it came, in minutes.
    pub delay_min: Option<f64>,
    pub worked: Option<String>,
    pub change: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Session {
    #[serde(flatten)]
    pub meta: Meta,
    pub challenge_id: Id,
    #[serde(flatten)]
    pub data: SessionData,
}

/// A session's own content, shared by new and stored sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS)]
#[ts(export)]
pub struct SessionData {
    pub duration_min: Option<f64>,
    pub sub_skill: Option<String>,
    pub difficulty: Option<f64>,
    /// The success rate the person predicted before starting (0–1).
    pub predicted_rate: Option<f64>,
    pub attempts: Option<u32>,
    pub successes: Option<u32>,
    pub performance: Option<f64>,
    /// Effort, 1–10.
    pub effort: Option<u8>,
    /// How challenging it felt, 1–10.
    pub challenge_rating: Option<u8>,
    /// How skilled the person felt, 1–10.
    pub skill_rating: Option<u8>,
    pub feedback: Vec<Feedback>,
    pub next_step: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewSession {
    pub challenge_id: Option<Id>,
    pub data: SessionData,
    pub private: bool,
    pub when: Option<DateTime<FixedOffset>>,
}

// ------------------------------------------------------------- reflection

/// Gibbs's (1988) reflective cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS)]
#[ts(export)]
pub struct Gibbs {
    pub description: Option<String>,
    pub feelings: Option<String>,
    pub evaluation: Option<String>,
    pub analysis: Option<String>,
    pub conclusion: Option<String>,
    pub action_plan: Option<String>,
}

impl Gibbs {
    pub fn is_empty(&self) -> bool {
        self.fields().iter().all(|(_, v)| v.is_none())
    }
    /// The stages in order, with the prompt a person is asked at each.
    pub fn fields(&self) -> [(&'static str, &Option<String>); 6] {
        [
            ("description", &self.description),
            ("feelings", &self.feelings),
            ("evaluation", &self.evaluation),
            ("analysis", &self.analysis),
            ("conclusion", &self.conclusion),
            ("action_plan", &self.action_plan),
        ]
    }
    /// The stages in the order of [`Gibbs::fields`] and [`GIBBS_PROMPTS`], to fill or clean.
    pub fn fields_mut(&mut self) -> [&mut Option<String>; 6] {
        [
            &mut self.description,
            &mut self.feelings,
            &mut self.evaluation,
            &mut self.analysis,
            &mut self.conclusion,
            &mut self.action_plan,
        ]
    }
}

/// The guided prompts for Gibbs's cycle, worded for process and strategy ("not yet").
pub const GIBBS_PROMPTS: [(&str, &str); 6] = [
    ("description", "What happened?"),
    ("feelings", "What were you thinking and feeling?"),
    (
        "evaluation",
        "What went well, and what did not go well yet?",
    ),
    (
        "analysis",
        "Why did it go that way? Which strategy helped or got in the way?",
    ),
    (
        "conclusion",
        "What else could you have done? What did you learn?",
    ),
    ("action_plan", "What strategy will you try next time?"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Reflection {
    #[serde(flatten)]
    pub meta: Meta,
    pub text: Option<String>,
    pub gibbs: Gibbs,
    pub tags: Vec<String>,
    pub session_ids: Vec<Id>,
    pub challenge_ids: Vec<Id>,
    pub purpose_ids: Vec<Id>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewReflection {
    pub text: Option<String>,
    pub gibbs: Gibbs,
    pub tags: Vec<String>,
    pub session_ids: Vec<Id>,
    pub challenge_ids: Vec<Id>,
    pub purpose_ids: Vec<Id>,
    pub private: bool,
    pub when: Option<DateTime<FixedOffset>>,
}

impl Default for NewReflection {
    fn default() -> Self {
        NewReflection {
            text: None,
            gibbs: Gibbs::default(),
            tags: Vec::new(),
            session_ids: Vec::new(),
            challenge_ids: Vec::new(),
            purpose_ids: Vec::new(),
            // Reflections are the most personal items: private unless the person says otherwise.
            private: true,
            when: None,
        }
    }
}

// ---------------------------------------------------------------- checkin

/// Autonomy over Pink's four T's, each 1 (none) to 7 (full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct FourTs {
    pub task: u8,
    pub time: u8,
    pub technique: u8,
    pub team: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Checkin {
    #[serde(flatten)]
    pub meta: Meta,
    pub ratings: FourTs,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewCheckin {
    pub ratings: FourTs,
    pub note: Option<String>,
    pub private: bool,
    pub when: Option<DateTime<FixedOffset>>,
}

// ------------------------------------------------------------------ audit

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum AuditKind {
    /// An if-then reward ("if I close ten tickets, then a bonus").
    #[default]
    Reward,
    /// An if-then punishment (penalties, ranking, surveillance).
    Punishment,
    /// A task, to classify as algorithmic or heuristic.
    Task,
}

impl AuditKind {
    /// Its serde name.
    pub fn as_str(self) -> &'static str {
        names::name_of(&self)
    }
    /// From its serde name, ignoring case and surrounding space.
    pub fn parse(s: &str) -> Result<Self> {
        names::parse(s, "an audit kind")
    }
}

/// Pink: carrots can work for rule-following (algorithmic) work and backfire on
/// creative (heuristic) work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum TaskType {
    Algorithmic,
    Heuristic,
}

impl TaskType {
    /// Its serde name.
    pub fn as_str(self) -> &'static str {
        names::name_of(&self)
    }
    /// From its serde name, ignoring case and surrounding space.
    pub fn parse(s: &str) -> Result<Self> {
        names::parse(s, "a task type")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AuditItem {
    #[serde(flatten)]
    pub meta: Meta,
    pub kind: AuditKind,
    pub description: String,
    pub contingency: Option<String>,
    pub task_type: Option<TaskType>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewAuditItem {
    pub kind: AuditKind,
    pub description: String,
    pub contingency: Option<String>,
    pub task_type: Option<TaskType>,
    pub note: Option<String>,
    pub private: bool,
    pub when: Option<DateTime<FixedOffset>>,
}

// -------------------------------------------------------------------- day

/// Everything that belongs to one local calendar day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct DayView {
    pub date: NaiveDate,
    pub purposes: Vec<Purpose>,
    pub challenges: Vec<Challenge>,
    pub sessions: Vec<Session>,
    pub reflections: Vec<Reflection>,
    pub checkins: Vec<Checkin>,
    pub audit_items: Vec<AuditItem>,
}

impl DayView {
    pub fn is_empty(&self) -> bool {
        self.purposes.is_empty()
            && self.challenges.is_empty()
            && self.sessions.is_empty()
            && self.reflections.is_empty()
            && self.checkins.is_empty()
            && self.audit_items.is_empty()
    }
}

/// The kinds of item, as they appear in search results and links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum Kind {
    Purpose,
    Challenge,
    Session,
    Reflection,
    Checkin,
    AuditItem,
}

impl Kind {
    /// Its serde name (as search results and the store's search index write it).
    pub fn as_str(self) -> &'static str {
        names::name_of(&self)
    }
    /// From exactly its serde name.
    pub fn parse(s: &str) -> Option<Self> {
        names::from_name(s)
    }
    /// The table its items live in.
    pub(crate) fn table(self) -> &'static str {
        match self {
            Kind::Purpose => "purposes",
            Kind::Challenge => "challenges",
            Kind::Session => "sessions",
            Kind::Reflection => "reflections",
            Kind::Checkin => "checkins",
            Kind::AuditItem => "audit_items",
        }
    }
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SearchHit {
    pub kind: Kind,
    pub id: Id,
    pub day: NaiveDate,
    /// A plain-text excerpt around the matches.
    pub snippet: String,
    /// Byte ranges of `snippet` that matched, to highlight.
    pub highlights: Vec<[usize; 2]>,
}

// ------------------------------------------------------------- validation

pub(crate) fn non_empty(field: &str, s: &str) -> Result<()> {
    if s.trim().is_empty() {
        Err(Error::invalid(format!(
            "The {field} cannot be empty; give some text."
        )))
    } else {
        Ok(())
    }
}

pub(crate) fn check_rating(field: &str, v: Option<u8>, lo: u8, hi: u8) -> Result<()> {
    match v {
        Some(x) if x < lo || x > hi => Err(Error::invalid(format!(
            "The {field} must be between {lo} and {hi}; {x} is outside."
        ))),
        _ => Ok(()),
    }
}

/// The largest magnitude a number an item holds may have: far beyond any real measure,
/// far from the ends of `f64`, where sums and curve fits overflow.
pub(crate) const MAX_NUMBER: f64 = 1e12;

pub(crate) fn check_finite(field: &str, v: Option<f64>) -> Result<()> {
    match v {
        Some(x) if !x.is_finite() || x.abs() > MAX_NUMBER => Err(Error::invalid(format!(
            "The {field} must be a number between -1,000,000,000,000 and 1,000,000,000,000."
        ))),
        _ => Ok(()),
    }
}

/// The first and last days an item may be dated: the years RFC 3339 can write (four
/// digits), which the store keeps and every reader reads back.
pub const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date");
pub const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");

impl When {
    /// Refuses an instant, or a local day, outside the years 1 to 9999.
    pub(crate) fn validate(&self) -> Result<()> {
        let range = FIRST_DAY..=LAST_DAY;
        if range.contains(&self.at.date_naive()) && range.contains(&self.day) {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "The date {} is outside the range a journal keeps; give a date from {FIRST_DAY} to {LAST_DAY} (the years 1 to 9999).",
                self.day
            )))
        }
    }
}

// Each kind's rules, in one place: typed items (through the store's `clean`) and received
// ones (through `Bundle::validate`) are held to the same.

impl Purpose {
    pub(crate) fn validate(&self) -> Result<()> {
        self.meta.when.validate()?;
        non_empty("purpose title", &self.title)
    }
}

impl Challenge {
    pub(crate) fn validate(&self) -> Result<()> {
        self.meta.when.validate()?;
        non_empty("challenge's skill", &self.skill)?;
        check_target_rate(self.target_rate)?;
        check_finite("difficulty", self.difficulty)
    }
}

impl Session {
    pub(crate) fn validate(&self) -> Result<()> {
        self.meta.when.validate()?;
        self.data.validate()
    }
}

impl Reflection {
    pub(crate) fn validate(&self) -> Result<()> {
        self.meta.when.validate()?;
        let said = |t: &Option<String>| t.as_ref().is_some_and(|t| !t.trim().is_empty());
        if !said(&self.text) && !self.gibbs.fields().iter().any(|(_, v)| said(v)) {
            return Err(Error::invalid(
                "A reflection needs some text: free text or at least one answer to a prompt.",
            ));
        }
        Ok(())
    }
}

impl Checkin {
    pub(crate) fn validate(&self) -> Result<()> {
        self.meta.when.validate()?;
        self.ratings.validate()
    }
}

impl AuditItem {
    pub(crate) fn validate(&self) -> Result<()> {
        self.meta.when.validate()?;
        non_empty("audit item's description", &self.description)
    }
}

impl SessionData {
    pub(crate) fn validate(&self) -> Result<()> {
        check_finite("duration", self.duration_min)?;
        check_finite("difficulty", self.difficulty)?;
        check_finite("performance value", self.performance)?;
        if let Some(d) = self.duration_min
            && d < 0.0
        {
            return Err(Error::invalid("The duration cannot be negative."));
        }
        if let Some(p) = self.predicted_rate
            && !(0.0..=1.0).contains(&p)
        {
            return Err(Error::invalid(
                "The predicted success rate must be between 0 and 1 (e.g. 0.85).",
            ));
        }
        match (self.attempts, self.successes) {
            (Some(a), Some(s)) if s > a => {
                return Err(Error::field(
                    crate::error::Field::Successes,
                    format!(
                        "{s} successes out of {a} attempts is not possible; successes cannot exceed attempts."
                    ),
                ));
            }
            (None, Some(_)) => {
                return Err(Error::field(
                    crate::error::Field::Attempts,
                    "Successes need a number of attempts too.",
                ));
            }
            _ => {}
        }
        check_rating("effort", self.effort, 1, 10)?;
        check_rating("challenge rating", self.challenge_rating, 1, 10)?;
        check_rating("skill rating", self.skill_rating, 1, 10)?;
        for f in &self.feedback {
            check_finite("feedback delay", f.delay_min)?;
            if f.delay_min.is_some_and(|d| d < 0.0) {
                return Err(Error::invalid("A feedback delay cannot be negative."));
            }
        }
        Ok(())
    }
}

impl FourTs {
    pub(crate) fn validate(self) -> Result<()> {
        for (name, v) in [
            ("task", self.task),
            ("time", self.time),
            ("technique", self.technique),
            ("team", self.team),
        ] {
            check_rating(&format!("autonomy over {name}"), Some(v), 1, 7)?;
        }
        Ok(())
    }
}

pub(crate) fn check_target_rate(r: f64) -> Result<()> {
    if r.is_finite() && r > 0.0 && r < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            "The target success rate must be between 0 and 1, exclusive (e.g. 0.85).",
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::names;

    /// Every variant of `all` (which must list them all) is named by serde alone:
    /// `as_str` is the name serde writes, `parse` reads it back, and serde's list of names
    /// has one name per variant.
    fn names_come_from_serde<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> T)
    where
        T: Copy + PartialEq + std::fmt::Debug + Serialize + serde::de::DeserializeOwned,
    {
        assert_eq!(
            names::variants::<T>().len(),
            all.len(),
            "one name per variant"
        );
        for &v in all {
            let name = as_str(v);
            assert!(!name.is_empty(), "{v:?} has a name");
            assert_eq!(
                serde_json::to_value(v).unwrap(),
                name,
                "{v:?}: as_str is serde's"
            );
            assert_eq!(serde_json::from_value::<T>(name.into()).unwrap(), v);
            assert_eq!(parse(name), v, "{name} round-trips");
        }
    }

    /// Exhaustive: a new variant fails to compile here until it is listed.
    macro_rules! all {
        ($t:ident: $($v:ident),+) => {{
            #[allow(dead_code)]
            fn exhaustive(x: $t) { match x { $($t::$v)|+ => {} } }
            [$($t::$v),+]
        }};
    }

    #[test]
    fn challenge_status_names_come_from_serde() {
        let all = all!(ChallengeStatus: Active, Paused, Done);
        names_come_from_serde(&all, ChallengeStatus::as_str, |s| {
            ChallengeStatus::parse(s).unwrap()
        });
        assert_eq!(
            ChallengeStatus::parse(" Paused ").unwrap(),
            ChallengeStatus::Paused
        );
        assert_eq!(
            ChallengeStatus::parse("Later").unwrap_err().to_string(),
            "`later` is not a challenge status; use active, paused or done."
        );
    }

    #[test]
    fn feedback_source_names_come_from_serde() {
        let all = all!(FeedbackSource: SelfAssessed, Coach, Peer, Recording, Metric);
        names_come_from_serde(&all, FeedbackSource::as_str, |s| {
            FeedbackSource::parse(s).unwrap()
        });
        assert_eq!(FeedbackSource::SelfAssessed.as_str(), "self");
        assert_eq!(
            FeedbackSource::parse("SELF").unwrap(),
            FeedbackSource::SelfAssessed
        );
        assert_eq!(
            FeedbackSource::parse("mirror").unwrap_err().to_string(),
            "`mirror` is not a feedback source; use self, coach, peer, recording or metric."
        );
    }

    #[test]
    fn audit_kind_names_come_from_serde() {
        let all = all!(AuditKind: Reward, Punishment, Task);
        names_come_from_serde(&all, AuditKind::as_str, |s| AuditKind::parse(s).unwrap());
        assert_eq!(
            AuditKind::parse("bonus").unwrap_err().to_string(),
            "`bonus` is not an audit kind; use reward, punishment or task."
        );
    }

    #[test]
    fn task_type_names_come_from_serde() {
        let all = all!(TaskType: Algorithmic, Heuristic);
        names_come_from_serde(&all, TaskType::as_str, |s| TaskType::parse(s).unwrap());
        assert_eq!(
            TaskType::parse("creative").unwrap_err().to_string(),
            "`creative` is not a task type; use algorithmic or heuristic."
        );
    }

    #[test]
    fn kind_names_come_from_serde() {
        let all = all!(Kind: Purpose, Challenge, Session, Reflection, Checkin, AuditItem);
        names_come_from_serde(&all, Kind::as_str, |s| Kind::parse(s).unwrap());
        assert_eq!(Kind::AuditItem.as_str(), "audit_item");
        // Kind reads exactly what the store wrote: no case or space folding.
        assert_eq!(Kind::parse("Purpose"), None);
        assert_eq!(Kind::parse(" purpose"), None);
        assert_eq!(Kind::parse("audit item"), None);
    }
}
