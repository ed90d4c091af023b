//! "Review blameless wording with Claude": the command (run off the request
//! path by [`super::draft`]'s machinery: the same progress, cancel, consent
//! question and settings as drafts), and its findings kept per document and
//! shown as diagnostics with source `postmortem-lsp (claude)`, merged with
//! the engine's in push and pull diagnostics. The engine part is
//! [`crate::draft::wording`].
//!
//! A finding stays attached to its value (path and decoded text): while the
//! value is unchanged it is shown wherever the value now is; the first
//! analysis in which the value differs (an edit touched it, or the path now
//! names another value) drops it for good. Other values' findings stay.
//! Rewrites are offered as quick fixes, never applied by themselves.

use super::convert;
use super::draft::{self as d, Ctx, Progress};
use super::server::State;
use crate::analysis::Analysis;
use crate::diagnostic::Locale;
use crate::draft::wording::{self, Located};
use crate::draft::DraftEvent;
use crate::syntax::Scalar;
use crate::text::{Encoding, Span};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use tower_lsp_server::ls_types::*;

/// The `source` of every diagnostic from a review.
pub const SOURCE: &str = "postmortem-lsp (claude)";

/// The findings of the last review of one document that still apply.
pub(crate) type Reviewed = Arc<Vec<Located>>;

/// The scalars at the findings' paths in `a`, in one walk.
fn scalars_at<'a>(a: &'a Analysis, found: &[Located]) -> HashMap<String, &'a Scalar> {
    let mut out = HashMap::new();
    let Some(root) = a.root() else {
        return out;
    };
    let wanted: std::collections::HashSet<&str> = found.iter().map(|l| l.path.as_str()).collect();
    crate::rules::visit_scalars(root, &mut |path, _, s| {
        if wanted.contains(path) {
            out.entry(path.to_string()).or_insert(s);
        }
    });
    out
}

/// The scalar of a finding in `a`, if its value is unchanged.
fn still<'a>(at: &HashMap<String, &'a Scalar>, l: &Located) -> Option<&'a Scalar> {
    at.get(&l.path).copied().filter(|s| s.value == l.value)
}

/// Keeps the document's findings whose value is unchanged in its current
/// analysis, drops the others for good, and returns what is left (call with
/// the state locked, after storing a new analysis).
pub(crate) fn prune(st: &mut State, uri: &Uri) -> Option<Reviewed> {
    let doc = st.docs.get(uri)?;
    let r = st.reviews.get(uri)?.clone();
    let at = scalars_at(&doc.analysis, &r);
    if r.iter().all(|l| still(&at, l).is_some()) {
        return Some(r);
    }
    let kept: Vec<Located> = r
        .iter()
        .filter(|l| still(&at, l).is_some())
        .cloned()
        .collect();
    if kept.is_empty() {
        st.reviews.remove(uri);
        return None;
    }
    let kept = Arc::new(kept);
    st.reviews.insert(uri.clone(), kept.clone());
    Some(kept)
}

fn diagnostic(a: &Analysis, l: &Located, s: &Scalar, enc: Encoding) -> Diagnostic {
    let span = s.src_span(l.range.clone());
    let f = &l.finding;
    Diagnostic {
        range: convert::range(a, &span, enc),
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: convert::rule_href(f.rule).map(|href| CodeDescription { href }),
        source: Some(SOURCE.into()),
        message: wording::message(f, a.locale),
        related_information: None,
        tags: None,
        data: Some(json!({"field": l.path, "claude": true})),
    }
}

/// The review's diagnostics for analysis `a` (findings whose value changed
/// are left out).
pub(crate) fn diagnostics(a: &Analysis, found: &[Located], enc: Encoding) -> Vec<Diagnostic> {
    let at = scalars_at(a, found);
    found
        .iter()
        .filter_map(|l| still(&at, l).map(|s| diagnostic(a, l, s, enc)))
        .collect()
}

/// The engine's diagnostics and the review's, as published.
pub(crate) fn merged(a: &Analysis, reviewed: Option<&[Located]>, enc: Encoding) -> Vec<Diagnostic> {
    let mut out = convert::diagnostics(a, enc);
    if let Some(r) = reviewed {
        out.extend(diagnostics(a, r, enc));
    }
    out
}

/// The value at `path` in `text`, as the parser reads it.
fn reads(text: &str, path: &str) -> Option<String> {
    let p = crate::syntax::parse(text);
    if !p.errors.is_empty() {
        return None;
    }
    let root = p.root.as_ref()?;
    crate::rules::prose::scalar_at(root, path).map(|(s, _)| s.value.clone())
}

/// The edit that puts `rewrite` in place of the finding's phrase: in place
/// (escaped for the scalar's quoting) when the document then reads back as
/// the value with the phrase replaced, else the whole value as a
/// double-quoted scalar; `None` when neither reads back.
fn rewrite_edit(a: &Analysis, l: &Located, s: &Scalar, rewrite: &str) -> Option<(Span, String)> {
    let v = &l.value;
    let expected = format!("{}{rewrite}{}", &v[..l.range.start], &v[l.range.end..]);
    let with =
        |span: &Span, new: &str| format!("{}{new}{}", &a.text[..span.start], &a.text[span.end..]);
    let inner = s.src_span(l.range.clone());
    let escaped = match s.style {
        crate::syntax::ScalarStyle::SingleQuoted => rewrite.replace('\'', "''"),
        crate::syntax::ScalarStyle::DoubleQuoted => {
            rewrite.replace('\\', "\\\\").replace('"', "\\\"")
        }
        _ => rewrite.to_string(),
    };
    if reads(&with(&inner, &escaped), &l.path).as_deref() == Some(expected.as_str()) {
        return Some((inner, escaped));
    }
    // JSON string escapes are YAML double-quoted escapes.
    let quoted = serde_json::to_string(&expected).ok()?;
    let whole = s.span.clone();
    (reads(&with(&whole, &quoted), &l.path).as_deref() == Some(expected.as_str()))
        .then_some((whole, quoted))
}

/// Quick fixes for the review's findings in the range: Claude's rewrite of
/// the phrase, when it gave one.
pub(crate) fn code_actions(st: &State, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let only = params.context.only.as_deref();
    let (Some(doc), Some(found)) = (st.docs.get(uri), st.reviews.get(uri)) else {
        return Vec::new();
    };
    if !d::kind_wanted(only, &CodeActionKind::QUICKFIX) {
        return Vec::new();
    }
    let a = &doc.analysis;
    let enc = st.encoding;
    let start = convert::offset(a, params.range.start, enc);
    let end = convert::offset(a, params.range.end, enc);
    let at = scalars_at(a, found);
    let mut out = Vec::new();
    for l in found.iter() {
        let (Some(s), Some(rewrite)) = (still(&at, l), l.finding.rewrite.as_deref()) else {
            continue;
        };
        let span = s.src_span(l.range.clone());
        if span.start > end || span.end < start {
            continue;
        }
        let Some((edit_span, new_text)) = rewrite_edit(a, l, s, rewrite) else {
            continue;
        };
        let shown = wording::shorten(rewrite, 80);
        let title = match (a.locale, rewrite.trim().is_empty()) {
            (Locale::En, true) => "Remove this wording (Claude's suggestion)".to_string(),
            (Locale::En, false) => format!("Rewrite as “{shown}” (Claude's suggestion)"),
            (Locale::ZhTw, true) => "刪除這個用語(Claude 的建議)".to_string(),
            (Locale::ZhTw, false) => format!("改寫為「{shown}」(Claude 的建議)"),
        };
        let edit = TextEdit {
            range: convert::range(a, &edit_span, enc),
            new_text,
        };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic(a, l, s, enc)]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..Default::default()
            }),
            ..Default::default()
        }));
    }
    out
}

/// Runs the review for `ctx` (a spawned task of `postmortem.reviewWording`).
pub(super) async fn run(ctx: Ctx) {
    let mut progress = Progress {
        client: ctx.client.clone(),
        token: ctx.token.clone(),
        on: true,
    };
    let snap = match d::snapshot(&ctx.state, &ctx.uri) {
        Ok(s) => s,
        Err(m) => {
            ctx.client.show_message(MessageType::WARNING, &m).await;
            return;
        }
    };
    let locale = snap.analysis.locale;
    if ctx.create_progress {
        progress.on = snap.caps.work_done_progress
            && ctx
                .client
                .create_work_done_progress(ctx.token.clone())
                .await
                .is_ok();
    }
    progress
        .begin(
            locale
                .pick(
                    "Reviewing blameless wording with Claude",
                    "請 Claude 檢查無責備用語",
                )
                .into(),
        )
        .await;
    let outcome = review(&ctx, &snap, &progress).await;
    let (end, typ, message, pop_up) = match outcome {
        Ok((end, message)) => (end, MessageType::INFO, message, true),
        // A cancel is what the user asked for: no message box.
        Err(e) if ctx.cancel.is_cancelled() => (e.clone(), MessageType::INFO, e, false),
        Err(e) => (e.clone(), MessageType::ERROR, e, true),
    };
    progress.end(end).await;
    ctx.client.log_message(typ, &message).await;
    if pop_up {
        ctx.client.show_message(typ, message).await;
    }
}

/// Asks, sends, locates and stores; returns (progress end, message).
async fn review(
    ctx: &Ctx,
    snap: &d::Snapshot,
    progress: &Progress,
) -> std::result::Result<(String, String), String> {
    let an = snap.analyzer(ctx.inputs.clone(), ctx.cache.clone());
    let (mut reviewer, base) = d::make_wording_review(snap, &an, false)?;
    let locale = base.locale;
    let preview = reviewer.preview();
    if !d::consent(ctx, snap, &preview, locale).await {
        let m = locale
            .pick(
                "Nothing was sent to Claude, and nothing was changed.",
                "沒有傳送任何內容給 Claude,也沒有任何變更。",
            )
            .to_string();
        return Ok((m.clone(), m));
    }

    // Progress reports go through a channel, in order, from a forwarding task.
    let (tx, forward) = progress.forwarder();
    let mut on_event = move |e: DraftEvent| {
        if let Some(m) = d::event_message(&e, "") {
            let _ = tx.send(m);
        }
    };
    let result = reviewer.run(&ctx.cancel, &mut on_event).await;
    drop(on_event);
    let _ = forward.await;
    let cost = reviewer.totals().describe(reviewer.model());
    let findings = match result {
        Ok(f) => f,
        Err(e) => {
            if let crate::draft::DraftError::Claude(c) = &e {
                if let Some(id) = c.request_id() {
                    ctx.client
                        .log_message(MessageType::INFO, format!("Anthropic request id: {id}"))
                        .await;
                }
            }
            if let crate::draft::DraftError::Rejected { reasons, draft, .. } = &e {
                ctx.client
                    .log_message(
                        MessageType::WARNING,
                        format!(
                            "Claude's review could not be read. Problems:\n{}\n--- answer ---\n{draft}\n--- end of answer ---",
                            reasons.iter().map(|r| format!("- {r}")).collect::<Vec<_>>().join("\n")
                        ),
                    )
                    .await;
            }
            return Err(wording::error_message(&e, locale));
        }
    };
    let returned = findings.len();
    let (located, dropped) = wording::locate(&base, findings);

    // Stored against the document's analysis once it has caught up: only
    // findings whose value is still the text the review read.
    super::server::settle(&ctx.state, &ctx.uri).await;
    let (shown, publish, pull) = {
        let mut st = d::lock(&ctx.state);
        let (enc, pull) = (st.encoding, st.pull_diagnostics);
        let Some(doc) = st.docs.get(&ctx.uri) else {
            return Err(locale
                .pick(
                    "The postmortem was closed before Claude's review came back, so nothing is shown. Open it and run the review again.",
                    "Claude 的檢查結果回來前文件已關閉,所以沒有顯示任何結果。請開啟文件後再執行一次檢查。",
                )
                .to_string());
        };
        let current = doc.analysis.clone();
        let caught_up = *doc.analyzed.borrow() >= doc.generation;
        let version = doc.version;
        let at = scalars_at(&current, &located);
        let kept: Vec<Located> = located
            .iter()
            .filter(|l| still(&at, l).is_some())
            .cloned()
            .collect();
        let shown = kept.len();
        let kept = Arc::new(kept);
        if kept.is_empty() {
            st.reviews.remove(&ctx.uri);
        } else {
            st.reviews.insert(ctx.uri.clone(), kept.clone());
        }
        let publish = (!pull && caught_up).then(|| (merged(&current, Some(&kept), enc), version));
        (shown, publish, pull)
    };
    let changed = located.len() - shown;
    if let Some((diags, version)) = publish {
        ctx.publisher.publish(ctx.uri.clone(), diags, Some(version));
    } else if pull {
        let _ = ctx.client.workspace_diagnostic_refresh().await;
    }

    let details = match locale {
        Locale::En => format!(
            "Claude's review of the blameless wording: {returned} finding{} returned, {shown} shown as diagnostics ({SOURCE}); dropped: {} whose phrase is not in its value, {} whose path names no prose value, {changed} whose value changed during the review. {cost}.",
            if returned == 1 { "" } else { "s" },
            dropped.no_phrase,
            dropped.no_value,
        ),
        Locale::ZhTw => format!(
            "Claude 的無責備用語檢查:回傳 {returned} 項,以診斷顯示 {shown} 項({SOURCE});捨棄:{} 項的詞句不在該值中,{} 項的路徑不是文字值,{changed} 項的值在檢查期間已變更。{cost}。",
            dropped.no_phrase, dropped.no_value,
        ),
    };
    ctx.client.log_message(MessageType::INFO, &details).await;
    let message = match (locale, shown) {
        (Locale::En, 0) => "Claude found nothing more to reword. The checks of PM301–PM306 still run as you type.".to_string(),
        (Locale::En, n) => format!(
            "Claude suggests rewording {n} phrase{}; see the problems marked “{SOURCE}”. Rewrites are offered as quick fixes; nothing was changed.",
            if n == 1 { "" } else { "s" }
        ),
        (Locale::ZhTw, 0) => "Claude 沒有找到需要改寫的用語。PM301–PM306 的檢查仍會在輸入時執行。".to_string(),
        (Locale::ZhTw, n) => format!(
            "Claude 建議改寫 {n} 處用語;請見標示為「{SOURCE}」的問題。快速修正提供改寫建議;文件沒有任何變更。"
        ),
    };
    let end = match locale {
        Locale::En => format!("Done: {shown} shown. {cost}"),
        Locale::ZhTw => format!("完成:顯示 {shown} 項。{cost}"),
    };
    Ok((end, message))
}
