//! The timeline chart: a small SVG writer of our own (maud escapes every
//! label). A time axis in UTC, the milestones as vertical lines, one row per
//! event with its label, and bars for alert latency, MTTA and MTTR.

use super::model::{Event, Timeline};
use maud::{html, Markup};
use postmortem_engine::diagnostic::Locale;
use postmortem_engine::slo;

pub const WIDTH: f64 = 960.0;
const MARGIN: f64 = 20.0;
const ROW: f64 = 26.0;
const MS_ROW: f64 = 16.0;
const SPAN_ROW: f64 = 24.0;
const FONT: f64 = 12.0;

pub fn milestone_name(kind: &str, l: Locale) -> &str {
    match kind {
        "impact_start" => l.pick("Impact start", "影響開始"),
        "detected" => l.pick("Detected", "偵測到"),
        "acknowledged" => l.pick("Acknowledged", "已確認"),
        "mitigated" => l.pick("Mitigated", "已緩解"),
        "resolved" => l.pick("Resolved", "已解決"),
        other => other,
    }
}

/// Rough width of a text at 12 px: CJK characters are square, others about
/// half as wide.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| {
            if postmortem_engine::rules::is_wide(c) {
                FONT
            } else if c.is_uppercase() || c == 'm' || c == 'w' {
                FONT * 0.68
            } else {
                FONT * 0.55
            }
        })
        .sum()
}

/// Cuts a label to fit `room` pixels, with an ellipsis.
fn fit(s: &str, room: f64) -> String {
    if text_width(s) <= room {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = text_width("…");
    for c in s.chars() {
        let cw = text_width(c.encode_utf8(&mut [0; 4]));
        if w + cw > room {
            break;
        }
        w += cw;
        out.push(c);
    }
    let t = out.trim_end();
    format!("{t}…")
}

/// A tick step in seconds that gives 4 to 10 ticks.
fn tick_step(range: i64) -> i64 {
    const STEPS: [i64; 14] = [
        60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172_800, 604_800,
    ];
    STEPS
        .iter()
        .copied()
        .find(|s| range / s <= 10)
        .unwrap_or(604_800)
}

/// The chart, or `None` when no event has a readable time.
pub fn chart(t: &Timeline, title: &str, l: Locale) -> Option<Markup> {
    let timed: Vec<(&Event, i64)> = t
        .events
        .iter()
        .filter_map(|e| e.at.map(|at| (e, at)))
        .collect();
    if timed.is_empty() {
        return None;
    }
    let mut t0 = timed.iter().map(|(_, at)| *at).min().unwrap_or(0);
    let mut t1 = timed.iter().map(|(_, at)| *at).max().unwrap_or(0);
    if t1 - t0 < 600 {
        t0 -= 300;
        t1 += 300;
    }
    let pad = ((t1 - t0) as f64 * 0.03) as i64;
    let (t0, t1) = (t0 - pad, t1 + pad);
    let (x0, x1) = (MARGIN, WIDTH - MARGIN);
    let x = |at: i64| x0 + (at - t0) as f64 / (t1 - t0) as f64 * (x1 - x0);

    // Milestone labels, staggered into rows so they don't overlap.
    let mut ms_rows: Vec<f64> = Vec::new(); // right edge of the last label per row
    let mut ms = Vec::new();
    for m in &t.milestones {
        let label = format!("{} {}", milestone_name(&m.kind, l), slo::clock(m.at, m.at));
        let w = text_width(&label);
        let cx = x(m.at).clamp(x0 + w / 2.0, x1 - w / 2.0);
        let left = cx - w / 2.0;
        let row = match ms_rows.iter().position(|r| *r + 8.0 < left) {
            Some(r) => r,
            None => {
                ms_rows.push(f64::MIN);
                ms_rows.len() - 1
            }
        };
        ms_rows[row] = cx + w / 2.0;
        ms.push((m, label, cx, row));
    }
    let top = 8.0 + ms_rows.len() as f64 * MS_ROW + 6.0;
    let rows_h = timed.len() as f64 * ROW;
    let spans_top = top + rows_h + 8.0;
    let axis_y = spans_top + t.spans.len() as f64 * SPAN_ROW + 6.0;
    let height = axis_y + 28.0;

    let step = tick_step(t1 - t0);
    let first_tick = (t0 + step - 1).div_euclid(step) * step;
    let ticks: Vec<i64> = (0..)
        .map(|i| first_tick + i * step)
        .take_while(|tk| *tk <= t1)
        .collect();
    let day = timed[0].1;

    let desc = timed
        .iter()
        .map(|(e, at)| format!("{} {}", slo::clock(*at, day), e.text.plain(l)))
        .collect::<Vec<_>>()
        .join("; ");
    let aria = format!(
        "{title}. {}",
        l.pick(
            "Times in UTC; the table below lists every event with its sources.",
            "時間為 UTC;下方表格列出每個事件與來源。"
        )
    );

    Some(html! {
        svg class="timeline-chart" xmlns="http://www.w3.org/2000/svg" role="img"
            viewBox=(format!("0 0 {WIDTH} {height:.0}"))
            aria-labelledby="tl-title tl-desc" {
            title id="tl-title" { (aria) }
            desc id="tl-desc" { (desc) }
            // grid and ticks
            @for tk in &ticks {
                line class="tl-grid" x1=(f(x(*tk))) x2=(f(x(*tk))) y1=(f(top - 4.0)) y2=(f(axis_y)) {}
                text class="tl-tick" x=(f(x(*tk))) y=(f(axis_y + 16.0)) text-anchor="middle" { (slo::clock(*tk, day)) }
            }
            line class="tl-axis" x1=(f(x0)) x2=(f(x1)) y1=(f(axis_y)) y2=(f(axis_y)) {}
            // milestones
            @for (m, label, cx, row) in &ms {
                g class=(format!("tl-ms ms-{}", m.kind)) {
                    line x1=(f(x(m.at))) x2=(f(x(m.at))) y1=(f(8.0 + (*row as f64 + 1.0) * MS_ROW - 2.0)) y2=(f(axis_y)) {}
                    text x=(f(*cx)) y=(f(8.0 + (*row as f64 + 1.0) * MS_ROW - 5.0)) text-anchor="middle" { (label) }
                }
            }
            // events
            @for (i, (e, at)) in timed.iter().enumerate() {
                @let y = top + i as f64 * ROW + ROW / 2.0;
                @let cx = x(*at);
                @let right = cx < (x0 + x1) / 2.0;
                @let room = if right { x1 - cx - 12.0 } else { cx - x0 - 12.0 };
                @let clock = slo::clock(*at, day);
                @let full = format!("{clock} {}", e.text.plain(l));
                g class=(match &e.kind { Some(k) => format!("tl-event ms-{k}"), None => "tl-event".to_string() }) data-line=(e.line) {
                    title { (full) }
                    line class="tl-row" x1=(f(x0)) x2=(f(x1)) y1=(f(y)) y2=(f(y)) {}
                    circle cx=(f(cx)) cy=(f(y)) r=(if e.kind.is_some() { "6" } else { "4.5" }) {}
                    text x=(f(if right { cx + 10.0 } else { cx - 10.0 })) y=(f(y + 4.0))
                        text-anchor=(if right { "start" } else { "end" }) { (fit(&full, room)) }
                }
            }
            // spans: alert latency, MTTA, MTTR
            @for (i, s) in t.spans.iter().enumerate() {
                @let y = spans_top + i as f64 * SPAN_ROW;
                @let (a, b) = (x(s.from), x(s.to).max(x(s.from) + 2.0));
                @let label = format!("{} {}", l.pick(s.label_en, s.label_zh), slo::format_minutes((s.to - s.from) as f64 / 60.0));
                @let inside = text_width(&label) + 12.0 < b - a;
                g class=(format!("tl-span span-{i}")) {
                    title { (label) " (" (slo::clock(s.from, day)) " → " (slo::clock(s.to, day)) ")" }
                    rect x=(f(a)) y=(f(y)) width=(f(b - a)) height=(f(SPAN_ROW - 6.0)) rx="3" {}
                    @if inside {
                        text class="in" x=(f(a + 6.0)) y=(f(y + 13.0)) { (label) }
                    } @else if b + text_width(&label) + 8.0 < x1 {
                        text x=(f(b + 6.0)) y=(f(y + 13.0)) { (label) }
                    } @else {
                        text x=(f(a - 6.0)) y=(f(y + 13.0)) text-anchor="end" { (label) }
                    }
                }
            }
        }
    })
}

/// One decimal is plenty for pixels and keeps the output stable.
fn f(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_fit_and_ticks_are_few() {
        assert_eq!(fit("short", 200.0), "short");
        let cut = fit(&"long words ".repeat(20), 100.0);
        assert!(cut.ends_with('…') && text_width(&cut) <= 100.0 + FONT);
        assert!(text_width("影響開始") > text_width("abcd"));
        assert_eq!(tick_step(68 * 60), 600);
        assert_eq!(tick_step(3 * 3600), 1800);
        assert!((3 * 86400) / tick_step(3 * 86400) <= 10);
    }
}
