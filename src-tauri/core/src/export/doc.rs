//! The brief as a list of blocks (headings, paragraphs, lists, charts): Markdown, HTML and
//! PDF all render this one outline, so they hold the same words in the same order.

use super::Bundle;
use super::text::{self, num};

/// One block of the brief. Text is plain (unescaped): each renderer escapes for its format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    H1(String),
    H2(String),
    H3(String),
    P(String),
    Ul(Vec<String>),
    Ol(Vec<String>),
    /// The mastery chart of `bundle.challenges[i]`.
    Chart(usize),
}

/// A block of the person's text as paragraphs: blank lines separate them.
fn paragraphs(out: &mut Vec<Block>, s: &str) {
    for para in s.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push(Block::P(para.to_string()));
    }
}

pub(crate) fn outline(b: &Bundle) -> Vec<Block> {
    use Block::*;
    let mut o = vec![H1(text::title(b)), P(text::byline(b))];
    o.push(H2("Summary".into()));
    o.push(Ul(text::summary_lines(b)));

    if !b.agenda.is_empty() {
        o.push(H2("Agenda".into()));
        o.push(Ol(b.agenda.clone()));
    }

    if !b.challenges.is_empty() {
        o.push(H2("Challenges and progress".into()));
        for (i, c) in b.challenges.iter().enumerate() {
            let ch = &c.challenge;
            o.push(H3(ch.skill.clone()));
            let mut items = Vec::new();
            if let Some(g) = &ch.goal {
                items.push(format!("Goal: {g}"));
            }
            items.push(text::curve_line(&c.progress));
            items.push(text::goldilocks_line(&c.progress));
            let purposes = text::purpose_titles(b, &ch.purpose_ids);
            if !purposes.is_empty() {
                items.push(format!("Serves: {}", purposes.join("; ")));
            }
            o.push(Ul(items));
            if !c.progress.points.is_empty() {
                o.push(Chart(i));
            }
            for s in c
                .progress
                .explanation
                .iter()
                .chain(&c.progress.goldilocks.evidence)
            {
                o.push(P(s.clone()));
            }
        }
    }

    if !b.sessions.is_empty() {
        o.push(H2("Practice and feedback".into()));
        for s in &b.sessions {
            let skill = b.skill_of(s.challenge_id).unwrap_or("a challenge");
            o.push(H3(format!("{}: {skill}", s.meta.when.day)));
            let d = &s.data;
            let mut items = Vec::new();
            let mut facts = Vec::new();
            if let Some(m) = d.duration_min {
                facts.push(format!("{} min", num(m)));
            }
            if let Some(x) = &d.sub_skill {
                facts.push(format!("sub-skill {x}"));
            }
            if let Some(x) = d.difficulty {
                facts.push(format!("difficulty {}", num(x)));
            }
            if let (Some(a), Some(k)) = (d.attempts, d.successes) {
                facts.push(format!("{k} of {a} attempts succeeded"));
            }
            if let Some(x) = d.performance {
                facts.push(format!("performance {}", num(x)));
            }
            if !facts.is_empty() {
                items.push(facts.join(", "));
            }
            for f in &d.feedback {
                let mut t = format!("Feedback ({})", f.source.as_str());
                if let Some(w) = &f.worked {
                    t.push_str(&format!(": worked: {w}"));
                }
                if let Some(c) = &f.change {
                    t.push_str(&format!("; change: {c}"));
                }
                items.push(t);
            }
            if let Some(n) = &d.next_step {
                items.push(format!("Next step: {n}"));
            }
            if let Some(n) = &d.notes {
                items.push(format!("Notes: {n}"));
            }
            if !items.is_empty() {
                o.push(Ul(items));
            }
        }
    }

    if !b.reflections.is_empty() {
        o.push(H2("Reflections".into()));
        for r in &b.reflections {
            o.push(H3(format!("Reflection of {}", r.meta.when.day)));
            if let Some(t) = &r.text {
                paragraphs(&mut o, t);
            }
            let stages: Vec<String> = r
                .gibbs
                .fields()
                .into_iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| format!("{}: {v}", k.replace('_', " "))))
                .collect();
            if !stages.is_empty() {
                o.push(Ul(stages));
            }
        }
    }

    if !b.purposes.is_empty() {
        o.push(H2("Purposes".into()));
        for p in &b.purposes {
            o.push(H3(p.title.clone()));
            let mut items = Vec::new();
            if let Some(w) = &p.whom {
                items.push(format!("For whom: {w}"));
            }
            if let Some(w) = &p.why {
                items.push(format!("Why: {w}"));
            }
            let skills: Vec<&str> = b
                .challenges
                .iter()
                .filter(|c| c.challenge.purpose_ids.contains(&p.meta.id))
                .map(|c| c.challenge.skill.as_str())
                .collect();
            if !skills.is_empty() {
                items.push(format!("Challenges: {}", skills.join("; ")));
            }
            if !items.is_empty() {
                o.push(Ul(items));
            }
        }
    }

    if !b.checkins.is_empty() {
        o.push(H2("Autonomy check-ins".into()));
        o.push(Ul(b
            .checkins
            .iter()
            .map(|c| {
                let f = c.ratings;
                let mut t = format!(
                    "{}: task {}, time {}, technique {}, team {} (of 7)",
                    c.meta.when.day, f.task, f.time, f.technique, f.team
                );
                if let Some(n) = &c.note {
                    t.push_str(&format!("; {n}"));
                }
                t
            })
            .collect()));
    }

    if !b.audit_items.is_empty() {
        o.push(H2("Motivation audit (picked items)".into()));
        o.push(Ul(b
            .audit_items
            .iter()
            .map(|a| {
                let mut t = format!("{}: {}", a.kind.as_str(), a.description);
                if let Some(c) = &a.contingency {
                    t.push_str(&format!(" ({c})"));
                }
                if let Some(n) = &a.note {
                    t.push_str(&format!("; {n}"));
                }
                t
            })
            .collect()));
    }
    o
}
