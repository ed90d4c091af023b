//! SLO figures computed from the document: MTTA, MTTR and alert latency from
//! the `timeline` milestones, and the error budget from the `slo` text.
//! Used by inlay hints, hovers and rules PM604/PM605.
//!
//! Definitions (stated in the hovers and docs/editor-features.md):
//! - alert latency = detected − impact_start
//! - MTTA = acknowledged − detected
//! - MTTR = mitigated − impact_start (resolved − impact_start when the written
//!   value says "resolve", or when there is no `mitigated` entry)
//! - error budget (minutes) = (1 − SLO) × window; consumed % = bad minutes /
//!   budget × 100. The window is 30 days unless the `slo` text names one.

use crate::syntax::{Node, Scalar};
use crate::text::Span;

/// One `timeline` entry.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub index: usize,
    /// Seconds since the Unix epoch (UTC), if `at` could be read.
    pub at: Option<i64>,
    pub at_scalar: Option<&'a Scalar>,
    pub kind: Option<&'a str>,
    pub kind_span: Option<Span>,
}

/// The entries of `timeline`, in document order.
pub fn timeline(root: &Node) -> Vec<Entry<'_>> {
    let Some(items) = root.get("timeline").and_then(Node::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.as_map().is_some())
        .map(|(index, it)| {
            let at_scalar = it.get("at").and_then(Node::as_scalar);
            let kind_s = it.get("kind").and_then(Node::as_scalar);
            Entry {
                index,
                at: at_scalar.and_then(|s| parse_timestamp(&s.value)),
                at_scalar,
                kind: kind_s.map(|s| s.value.trim()).filter(|s| !s.is_empty()),
                kind_span: kind_s.map(|s| s.span.clone()),
            }
        })
        .collect()
}

/// The first entry of a milestone kind with a readable time.
pub fn milestone<'a>(entries: &'a [Entry<'a>], kind: &str) -> Option<&'a Entry<'a>> {
    entries
        .iter()
        .find(|e| e.kind == Some(kind) && e.at.is_some())
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-04-09T14:02:00Z`, `2026-04-09 14:02`, `2026-04-09T22:02:00+08:00`,
/// with optional seconds and fraction; no zone means UTC.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) && !t.is_empty() {
            t.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b[13] != b':' {
        return None;
    }
    let (h, mi) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut sec = 0;
    if b.get(i) == Some(&b':') {
        sec = num(i + 1..i + 3)?;
        i += 3;
        if matches!(b.get(i), Some(b'.' | b',')) {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    let offset = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&c @ (b'+' | b'-')) => {
            let rest = &s[i + 1..];
            let (oh, om) = match rest.len() {
                5 if rest.as_bytes()[2] == b':' => (num(i + 1..i + 3)?, num(i + 4..i + 6)?),
                4 => (num(i + 1..i + 3)?, num(i + 3..i + 5)?),
                2 => (num(i + 1..i + 3)?, 0),
                _ => return None,
            };
            let o = oh * 3600 + om * 60;
            if c == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// `14:02` (UTC) of a timestamp; `04-10 14:02` when it is not on `same_day_as`'s date.
pub fn clock(t: i64, same_day_as: i64) -> String {
    let day = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let hm = format!("{:02}:{:02}", secs / 3600, (secs % 3600) / 60);
    if day == same_day_as.div_euclid(86_400) {
        hm
    } else {
        // civil from days
        let z = day + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        format!("{m:02}-{d:02} {hm}")
    }
}

/// A duration in minutes: `4m`, `45 min`, `1h 8m`, `1h08m`, `90s`, `68 minutes
/// to resolve`, `4 分鐘`, `1 小時 5 分`; a bare number is minutes. The first
/// duration in the text counts.
pub fn parse_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.starts_with("TODO") {
        return None;
    }
    let mut total = 0.0;
    let mut seen = false;
    let mut rest = s;
    loop {
        let t = rest.trim_start_matches([' ', ',']);
        let t = t.strip_prefix("and ").unwrap_or(t).trim_start();
        let n_len = t
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
            .map_or(t.len(), |(i, _)| i);
        if n_len == 0 {
            break;
        }
        let Ok(n) = t[..n_len].parse::<f64>() else {
            break;
        };
        let after = t[n_len..].trim_start();
        let unit_len = after
            .char_indices()
            .find(|(_, c)| !c.is_alphabetic())
            .map_or(after.len(), |(i, _)| i);
        let word = &after[..unit_len];
        let lw = word.to_ascii_lowercase();
        let factor = match lw.as_str() {
            "h" | "hr" | "hrs" | "hour" | "hours" | "小時" | "時" => 60.0,
            "m" | "min" | "mins" | "minute" | "minutes" | "分鐘" | "分" => 1.0,
            "s" | "sec" | "secs" | "second" | "seconds" | "秒" => 1.0 / 60.0,
            "" if !seen => {
                // bare number: minutes, but only if nothing unit-like follows
                total = n;
                seen = true;
                break;
            }
            _ => {
                // a unit we don't know (days, %…): give up unless we already have a value
                if !seen {
                    return None;
                }
                break;
            }
        };
        total += n * factor;
        seen = true;
        rest = &after[unit_len..];
        // `1h 8m`: continue only when the next thing is another number
        if !rest
            .trim_start_matches([' ', ','])
            .trim_start_matches("and ")
            .starts_with(|c: char| c.is_ascii_digit())
        {
            break;
        }
    }
    seen.then_some(total)
}

/// `45m`, `4m 30s`, `1h 8m`.
pub fn format_minutes(m: f64) -> String {
    let secs = (m * 60.0).round() as i64;
    let (h, mi, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    match (h, s) {
        (0, 0) => format!("{mi}m"),
        (0, _) => format!("{mi}m {s}s"),
        (_, 0) if mi == 0 => format!("{h}h"),
        _ => format!("{h}h {mi}m"),
    }
}

/// A number with at most one decimal (`43.2`, `38`).
pub fn format_number(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// The SLO as written in `slo_impact.slo`.
#[derive(Clone, Debug, PartialEq)]
pub struct Slo {
    /// The target, e.g. 99.9 (percent).
    pub target_pct: f64,
    /// The window in days (30 when not written).
    pub window_days: f64,
    pub window_stated: bool,
    /// A budget in minutes stated in the text ("error budget 43.2 bad minutes").
    pub stated_budget_min: Option<f64>,
}

impl Slo {
    /// (1 − SLO) × window, in minutes.
    pub fn budget_min(&self) -> f64 {
        (1.0 - self.target_pct / 100.0) * self.window_days * 24.0 * 60.0
    }
}

/// Reads `99.9% over 28 days`, `99.95% monthly`, `99.9% of minutes good over a
/// rolling 30 days (error budget 43.2 bad minutes)`, `4 weeks`, `30d`.
pub fn parse_slo(s: &str) -> Option<Slo> {
    let pct_at = s.find('%')?;
    let before = &s[..pct_at];
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    let target_pct: f64 = before[start..].parse().ok()?;
    if !(0.0..100.0).contains(&target_pct) || target_pct <= 0.0 {
        return None;
    }
    let lower = s.to_lowercase();
    let mut window_days = 30.0;
    let mut window_stated = false;
    // "N days", "N-day", "Nd", "N weeks", "N hours", "N 天", "N 週"
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < lower.len() && !window_stated {
        let starts_number = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_digit() || bytes[i - 1] == b'.'));
        if !starts_number {
            i += 1;
            continue;
        }
        let num_end = lower[i..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map_or(lower.len(), |e| i + e);
        let n: f64 = lower[i..num_end].parse().unwrap_or(0.0);
        let after = lower[num_end..].trim_start_matches([' ', '-']);
        let word_end = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let word = &after[..word_end];
        let unit = match word {
            "d" | "day" | "days" => Some(1.0),
            "w" | "wk" | "wks" | "week" | "weeks" => Some(7.0),
            "h" | "hr" | "hrs" | "hour" | "hours" => Some(1.0 / 24.0),
            "" if after.starts_with(['天', '日']) => Some(1.0),
            "" if after.starts_with(['週', '周']) => Some(7.0),
            _ => None,
        };
        if let Some(u) = unit.filter(|_| n > 0.0) {
            window_days = n * u;
            window_stated = true;
        }
        i = num_end;
    }
    if !window_stated {
        if lower.contains("monthly") || lower.contains("month") || lower.contains("每月") {
            window_days = 30.0;
            window_stated = true;
        } else if lower.contains("weekly") || lower.contains("每週") {
            window_days = 7.0;
            window_stated = true;
        } else if lower.contains("quarter") || lower.contains("每季") {
            window_days = 90.0;
            window_stated = true;
        }
    }
    let stated_budget_min = lower.find("budget").and_then(|b| {
        let rest = &lower[b..];
        let d = rest.find(|c: char| c.is_ascii_digit())?;
        let num_end = rest[d..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map_or(rest.len(), |e| d + e);
        let unit = rest[num_end..].trim_start();
        let unit = unit.strip_prefix("bad ").unwrap_or(unit);
        (unit.starts_with("min") || unit.starts_with("分"))
            .then(|| rest[d..num_end].parse().ok())
            .flatten()
    });
    Some(Slo {
        target_pct,
        window_days,
        window_stated,
        stated_budget_min,
    })
}

/// Which duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    Mtta,
    Mttr,
    AlertLatency,
}

impl Figure {
    pub fn field(self) -> &'static str {
        match self {
            Figure::Mtta => "mtta",
            Figure::Mttr => "mttr",
            Figure::AlertLatency => "alert_latency",
        }
    }
    pub const ALL: [Figure; 3] = [Figure::AlertLatency, Figure::Mtta, Figure::Mttr];
}

/// A duration computed from two milestones.
#[derive(Clone, Debug)]
pub struct Duration {
    pub figure: Figure,
    pub minutes: f64,
    pub from_kind: &'static str,
    pub from: i64,
    pub to_kind: &'static str,
    pub to: i64,
}

/// The value written for a figure.
#[derive(Clone, Debug)]
pub struct Written<'a> {
    pub scalar: &'a Scalar,
    /// Minutes (durations) or percent (budget), when it can be read.
    pub value: Option<f64>,
}

/// Everything the SLO hints, hovers and PM604 need.
#[derive(Clone, Debug, Default)]
pub struct Figures<'a> {
    pub slo: Option<(Slo, &'a Scalar)>,
    pub durations: Vec<(Duration, Option<Written<'a>>)>,
    pub budget: Option<Written<'a>>,
    /// The impact window: (from kind, from, to kind, to), impact_start → resolved
    /// (or mitigated), the most bad minutes the incident can have had.
    pub impact_window: Option<(&'static str, i64, &'static str, i64)>,
}

impl Figures<'_> {
    pub fn duration(&self, f: Figure) -> Option<&Duration> {
        self.durations
            .iter()
            .find(|(d, _)| d.figure == f)
            .map(|(d, _)| d)
    }
    /// Minutes of the impact window.
    pub fn window_minutes(&self) -> Option<f64> {
        self.impact_window.map(|(_, a, _, b)| (b - a) as f64 / 60.0)
    }
    /// The share of the budget the impact window would use if every minute were bad.
    pub fn bound_pct(&self) -> Option<f64> {
        let (slo, _) = self.slo.as_ref()?;
        let b = slo.budget_min();
        (b > 0.0).then(|| self.window_minutes().map(|m| m / b * 100.0))?
    }
}

/// Computes the figures of a document.
pub fn figures(root: &Node) -> Figures<'_> {
    let mut out = Figures::default();
    let si = root.get("slo_impact");
    let written = |name: &str, dur: bool| -> Option<Written<'_>> {
        let s = si?.get(name)?.as_scalar()?;
        if s.is_null() {
            return None;
        }
        let value = if dur {
            parse_duration(&s.value)
        } else {
            s.value
                .trim()
                .trim_end_matches('%')
                .trim()
                .parse::<f64>()
                .ok()
        };
        Some(Written { scalar: s, value })
    };
    out.slo = si
        .and_then(|n| n.get("slo"))
        .and_then(Node::as_scalar)
        .and_then(|s| parse_slo(&s.value).map(|p| (p, s)));
    out.budget = written("error_budget_consumed_pct", false);
    let entries = timeline(root);
    let at = |k: &'static str| milestone(&entries, k).and_then(|e| e.at.map(|t| (k, t)));
    let start = at("impact_start");
    let detected = at("detected");
    let acked = at("acknowledged");
    let mitigated = at("mitigated");
    let resolved = at("resolved");
    for f in Figure::ALL {
        let w = written(f.field(), true);
        let pair = match f {
            Figure::AlertLatency => start.zip(detected),
            Figure::Mtta => detected.zip(acked),
            Figure::Mttr => {
                let says_resolve = w.as_ref().is_some_and(|w| {
                    let l = w.scalar.value.to_lowercase();
                    l.contains("resol") || l.contains("解決")
                });
                let end = if says_resolve {
                    resolved.or(mitigated)
                } else {
                    mitigated.or(resolved)
                };
                start.zip(end)
            }
        };
        if let Some(((fk, ft), (tk, tt))) = pair {
            out.durations.push((
                Duration {
                    figure: f,
                    minutes: (tt - ft) as f64 / 60.0,
                    from_kind: fk,
                    from: ft,
                    to_kind: tk,
                    to: tt,
                },
                w,
            ));
        }
    }
    if let (Some((fk, ft)), Some((tk, tt))) = (start, resolved.or(mitigated)) {
        if tt >= ft {
            out.impact_window = Some((fk, ft, tk, tt));
        }
    }
    out
}

/// Does the written value differ from the computed one by more than 10%?
/// (Durations also need 30 seconds of difference, since timestamps are
/// often written to the minute.)
pub fn differs(written: f64, computed: f64, min_abs: f64) -> bool {
    let d = (written - computed).abs();
    d > 0.1 * computed.abs() && d > min_abs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let a = parse_timestamp("2026-04-09T14:02:00Z").unwrap_or(0);
        let b = parse_timestamp("2026-04-09T22:47:00+08:00").unwrap_or(0);
        assert_eq!(b - a, 45 * 60);
        assert_eq!(parse_timestamp("2026-04-09 14:02"), Some(a));
        assert_eq!(parse_timestamp("2026-04-09T14:02:00.250Z"), Some(a));
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert!(parse_timestamp("14:02").is_none());
        assert!(parse_timestamp("2026-13-09T14:02:00Z").is_none());
        assert!(parse_timestamp("2026-04-09T14:02:00Zjunk").is_none());
        assert_eq!(clock(a, a), "14:02");
        assert_eq!(clock(a + 86_400, a), "04-10 14:02");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("4m"), Some(4.0));
        assert_eq!(parse_duration("45 min"), Some(45.0));
        assert_eq!(parse_duration("1h 8m"), Some(68.0));
        assert_eq!(parse_duration("1h08m"), Some(68.0));
        assert_eq!(parse_duration("90s"), Some(1.5));
        assert_eq!(parse_duration("68 minutes to resolve"), Some(68.0));
        assert_eq!(parse_duration("4 分鐘"), Some(4.0));
        assert_eq!(parse_duration("1 小時 5 分"), Some(65.0));
        assert_eq!(parse_duration("17"), Some(17.0));
        assert_eq!(parse_duration("TODO(x)"), None);
        assert_eq!(parse_duration("2 days"), None);
        assert_eq!(format_minutes(45.0), "45m");
        assert_eq!(format_minutes(68.0), "1h 8m");
        assert_eq!(format_minutes(4.5), "4m 30s");
    }

    #[test]
    fn slo_text() {
        let s = parse_slo("Checkout availability 99.9% of minutes good over a rolling 30 days (error budget 43.2 bad minutes)")
            .expect("slo");
        assert_eq!(s.target_pct, 99.9);
        assert_eq!(s.window_days, 30.0);
        assert!((s.budget_min() - 43.2).abs() < 1e-9);
        assert_eq!(s.stated_budget_min, Some(43.2));
        let s = parse_slo("99.9% over 28 days").expect("slo");
        assert!((s.budget_min() - 40.32).abs() < 1e-9);
        let s = parse_slo("99.95% monthly availability").expect("slo");
        assert_eq!(s.window_days, 30.0);
        assert!(s.window_stated);
        assert_eq!(parse_slo("99.9%").map(|s| s.window_stated), Some(false));
        assert_eq!(
            parse_slo("99.9% over 4 weeks").map(|s| s.window_days),
            Some(28.0)
        );
        assert_eq!(
            parse_slo("99.9%，滾動 30 天").map(|s| s.window_days),
            Some(30.0)
        );
        assert!(parse_slo("TODO(slo)").is_none());
    }

    #[test]
    fn figures_from_the_timeline() {
        let t = "timeline:\n  - at: 2026-04-09T14:02:00Z\n    kind: impact_start\n  - at: 2026-04-09T14:19:00Z\n    kind: detected\n  - at: 2026-04-09T14:23:00Z\n    kind: acknowledged\n  - at: 2026-04-09T14:47:00Z\n    kind: mitigated\n  - at: 2026-04-09T15:10:00Z\n    kind: resolved\nslo_impact:\n  slo: 99.9% over 30 days\n  mttr: 68m to resolve\n";
        let p = crate::syntax::parse(t);
        let root = p.root.expect("root");
        let f = figures(&root);
        assert_eq!(
            f.duration(Figure::AlertLatency).map(|d| d.minutes),
            Some(17.0)
        );
        assert_eq!(f.duration(Figure::Mtta).map(|d| d.minutes), Some(4.0));
        let mttr = f.duration(Figure::Mttr).expect("mttr");
        assert_eq!((mttr.minutes, mttr.to_kind), (68.0, "resolved"));
        assert_eq!(f.window_minutes(), Some(68.0));
        assert!(f.bound_pct().is_some_and(|p| (p - 157.4).abs() < 0.1));
        assert!(differs(30.0, 45.0, 0.5));
        assert!(!differs(4.0, 4.3, 0.5));
    }
}
