//! Errors of the Claude client, each with a short message for the SRE using
//! the tool that says what happened and what to do next.

use std::fmt;

/// Longest `retry-after` the client is willing to wait, in seconds.
pub const MAX_RETRY_AFTER_S: f64 = 60.0;

/// What the API said about a failed request (already scrubbed of the key).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiErrorInfo {
    /// HTTP status code.
    pub status: u16,
    /// `error.type` from the body, e.g. `rate_limit_error`.
    pub error_type: Option<String>,
    /// `error.message` from the body (or the start of a non-JSON body).
    pub message: Option<String>,
    /// `request_id` from the body or the `request-id` header.
    pub request_id: Option<String>,
}

impl ApiErrorInfo {
    /// `: <message>` when the API gave one, for appending to a sentence.
    fn said(&self) -> String {
        match self
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            Some(m) => format!(" Anthropic said: {}", end_sentence(m)),
            None => String::new(),
        }
    }
}

fn end_sentence(s: &str) -> String {
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// Everything that can go wrong while asking Claude.
#[derive(Clone, Debug, PartialEq)]
pub enum ClaudeError {
    /// No API key was configured.
    NoApiKey,
    /// The configuration cannot work (e.g. a malformed `base_url`).
    InvalidConfig(String),
    /// The HTTP client could not be built (TLS setup).
    ClientInit(String),
    /// 400 `invalid_request_error`.
    BadRequest(ApiErrorInfo),
    /// 401 `authentication_error`.
    Unauthorized(ApiErrorInfo),
    /// 403 `permission_error`.
    PermissionDenied(ApiErrorInfo),
    /// 402 `billing_error`: the organisation's billing needs attention
    /// (errors page). Not retried.
    Billing(ApiErrorInfo),
    /// A spend limit was reached: a 429 without `retry-after`, or a 400 whose
    /// message says the usage limits were reached (errors page). Retrying
    /// cannot help until the limit changes, so it is not retried.
    SpendLimit(ApiErrorInfo),
    /// 404 `not_found_error` from the API: the model does not exist for this key.
    NotFound { model: String, info: ApiErrorInfo },
    /// 404 without an Anthropic error body: `base_url` points elsewhere.
    EndpointNotFound { url: String, info: ApiErrorInfo },
    /// 413 `request_too_large`.
    RequestTooLarge(ApiErrorInfo),
    /// 429 after the retries ran out (or `retry-after` asked for too long).
    RateLimited {
        info: ApiErrorInfo,
        retries: u32,
        retry_after_s: Option<f64>,
    },
    /// 529 `overloaded_error` after the retries ran out.
    Overloaded {
        info: ApiErrorInfo,
        retries: u32,
        retry_after_s: Option<f64>,
    },
    /// 500/502/503/504 (and other 5xx) after the retries ran out.
    Server {
        info: ApiErrorInfo,
        retries: u32,
        retry_after_s: Option<f64>,
    },
    /// Any other unexpected HTTP status.
    UnexpectedStatus(ApiErrorInfo),
    /// The server could not be reached (after retries).
    Connect {
        base_url: String,
        detail: String,
        retries: u32,
    },
    /// The connection failed after it was made (not retried).
    Network { base_url: String, detail: String },
    /// No data arrived for `secs` seconds.
    Timeout { secs: u64 },
    /// An `error` event inside a 200 stream.
    Stream { kind: String, message: String },
    /// The response was not a well-formed Messages event stream.
    MalformedStream(String),
    /// The caller cancelled.
    Cancelled,
}

impl ClaudeError {
    /// A short, blameless message for the user: what happened, what to do.
    pub fn user_message(&self) -> String {
        use ClaudeError::*;
        match self {
            NoApiKey => "No Anthropic API key is set. Set ANTHROPIC_API_KEY in the server's environment, \
                         or the `postmortem.claude.apiKey` editor setting."
                .to_string(),
            InvalidConfig(m) => format!("The Claude settings need a fix: {}", end_sentence(m)),
            ClientInit(m) => format!("The HTTPS client could not start ({m}). Check the system's TLS certificates."),
            BadRequest(info) => format!(
                "Anthropic could not accept the request (400).{} If the model or a setting was changed, \
                 check `[claude]` in .postmortem-lsp.toml.",
                info.said()
            ),
            Unauthorized(_) => "Anthropic rejected the API key (401). Check ANTHROPIC_API_KEY or the \
                                `postmortem.claude.apiKey` setting."
                .to_string(),
            PermissionDenied(info) => format!(
                "The API key is not allowed to do this (403).{} Check the key's workspace and permissions \
                 in the Anthropic Console.",
                info.said()
            ),
            Billing(info) => format!(
                "Anthropic refused the request for a billing reason (402).{} Add credits or fix the payment \
                 method under Billing in the Anthropic Console, then try again.",
                info.said()
            ),
            SpendLimit(info) => format!(
                "The API key's organisation or workspace reached its spend limit ({}).{} Nothing was retried: \
                 raise the limit under Limits in the Anthropic Console, or wait until it resets.",
                info.status,
                info.said()
            ),
            NotFound { model, .. } => format!(
                "Model `{model}` was not found (404). Set `[claude] model` in .postmortem-lsp.toml \
                 (or `postmortem.claude.model`) to a model your key can use."
            ),
            EndpointNotFound { url, .. } => format!(
                "{url} answered 404 Not Found. Check ANTHROPIC_BASE_URL or `[claude] base_url`: it should \
                 point at the Anthropic API."
            ),
            RequestTooLarge(_) => "The inputs are too large for one request (413). Lower `[inputs] max_bytes` in \
                                   .postmortem-lsp.toml or shorten the inputs, then try again."
                .to_string(),
            RateLimited { info, retries, retry_after_s } => {
                if let Some(w) = retry_after_s.filter(|w| *w > MAX_RETRY_AFTER_S) {
                    format!(
                        "Anthropic's rate limit asks to wait {} before the next request (429). Try again then.{}",
                        human_secs(w),
                        info.said()
                    )
                } else {
                    format!(
                        "Anthropic's rate limit was reached (429){}. Wait a minute and try again, or check the \
                         key's limits in the Anthropic Console.",
                        after_retries(*retries)
                    )
                }
            }
            Overloaded { retry_after_s, retries, .. } => match retry_after_s.filter(|w| *w > MAX_RETRY_AFTER_S) {
                Some(w) => format!(
                    "Anthropic is overloaded (529) and asks to wait {}. Try again then.",
                    human_secs(w)
                ),
                None => format!(
                    "Anthropic is overloaded right now (529){}. This is temporary: try again in a few minutes.",
                    after_retries(*retries)
                ),
            },
            Server { info, retries, retry_after_s } => match retry_after_s.filter(|w| *w > MAX_RETRY_AFTER_S) {
                Some(w) => format!(
                    "Anthropic had a server error ({}) and asks to wait {}. Try again then.",
                    info.status,
                    human_secs(w)
                ),
                None => format!(
                    "Anthropic had a server error ({}){}. This is usually temporary: try again shortly.",
                    info.status,
                    after_retries(*retries)
                ),
            },
            UnexpectedStatus(info) => format!(
                "Anthropic answered with HTTP {}.{} Check ANTHROPIC_BASE_URL and any proxy in between.",
                info.status,
                info.said()
            ),
            Connect { base_url, detail, retries } => format!(
                "Could not reach {base_url} ({detail}){}. Check ANTHROPIC_BASE_URL, the network, or HTTPS_PROXY.",
                after_retries(*retries)
            ),
            Network { base_url, detail } => format!(
                "The connection to {base_url} broke ({detail}). Try again; if it keeps happening, check the \
                 network or HTTPS_PROXY."
            ),
            Timeout { secs } => format!(
                "Anthropic sent no data for {secs} s, so the request was stopped. Try again, or raise \
                 `[claude] timeout_s` in .postmortem-lsp.toml."
            ),
            Stream { kind, message } => {
                let what = if kind == "overloaded_error" { "Anthropic became overloaded" } else { "Anthropic reported an error" };
                let msg = message.trim();
                if msg.is_empty() {
                    format!("{what} while answering ({kind}). Try again in a moment.")
                } else {
                    format!("{what} while answering: {} ({kind}). Try again in a moment.", msg.trim_end_matches('.'))
                }
            }
            MalformedStream(m) => format!(
                "The answer from Anthropic could not be read: {} Try again; if it keeps happening, check \
                 ANTHROPIC_BASE_URL and any proxy in between.",
                end_sentence(m)
            ),
            Cancelled => "The request to Claude was cancelled.".to_string(),
        }
    }

    /// The same message in Traditional Chinese (zh-TW). Anthropic's own words
    /// (`Anthropic said: …`) stay as they came.
    pub fn user_message_zh(&self) -> String {
        use ClaudeError::*;
        let said = |info: &ApiErrorInfo| match info
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            Some(m) => format!("Anthropic 的訊息:{m}"),
            None => String::new(),
        };
        let retried = |n: u32| {
            if n == 0 {
                String::new()
            } else {
                format!(",已重試 {n} 次")
            }
        };
        match self {
            NoApiKey => "尚未設定 Anthropic API key。請在 server 的環境設定 ANTHROPIC_API_KEY,或設定編輯器的 \
                         `postmortem.claude.apiKey`。"
                .to_string(),
            InvalidConfig(m) => format!("Claude 設定需要修正:{m}"),
            ClientInit(m) => format!("HTTPS client 無法啟動({m})。請檢查系統的 TLS 憑證。"),
            BadRequest(info) => format!(
                "Anthropic 無法接受這個請求(400)。{} 若改過模型或設定,請檢查 .postmortem-lsp.toml 的 `[claude]`。",
                said(info)
            ),
            Unauthorized(_) => "Anthropic 拒絕了這把 API key(401)。請檢查 ANTHROPIC_API_KEY 或 \
                                `postmortem.claude.apiKey`。"
                .to_string(),
            PermissionDenied(info) => format!(
                "這把 API key 沒有權限做這件事(403)。{} 請在 Anthropic Console 檢查 key 所屬的 workspace 與權限。",
                said(info)
            ),
            Billing(info) => format!(
                "Anthropic 因帳務問題拒絕了請求(402)。{} 請在 Anthropic Console 的 Billing 加值或更新付款方式後再試。",
                said(info)
            ),
            SpendLimit(info) => format!(
                "這把 API key 所屬的組織或 workspace 已達花費上限({})。{} 未自動重試:請在 Anthropic Console 的 \
                 Limits 提高上限,或等上限重置。",
                info.status,
                said(info)
            ),
            NotFound { model, .. } => format!(
                "找不到模型 `{model}`(404)。請把 .postmortem-lsp.toml 的 `[claude] model`(或 \
                 `postmortem.claude.model`)設成你的 key 可用的模型。"
            ),
            EndpointNotFound { url, .. } => format!(
                "{url} 回應 404 Not Found。請檢查 ANTHROPIC_BASE_URL 或 `[claude] base_url`:應指向 Anthropic API。"
            ),
            RequestTooLarge(_) => "輸入太大,一個請求放不下(413)。請調低 .postmortem-lsp.toml 的 \
                                   `[inputs] max_bytes` 或縮短輸入後再試。"
                .to_string(),
            RateLimited { retries, retry_after_s, .. } => match retry_after_s.filter(|w| *w > MAX_RETRY_AFTER_S) {
                Some(w) => format!("Anthropic 的速率限制要求等 {} 再送下一個請求(429)。請屆時再試。", human_secs(w)),
                None => format!(
                    "已達 Anthropic 的速率限制(429{})。請等一分鐘再試,或在 Anthropic Console 檢查 key 的限額。",
                    retried(*retries)
                ),
            },
            Overloaded { retries, retry_after_s, .. } => match retry_after_s.filter(|w| *w > MAX_RETRY_AFTER_S) {
                Some(w) => format!("Anthropic 目前過載(529),要求等 {}。請屆時再試。", human_secs(w)),
                None => format!("Anthropic 目前過載(529{})。這是暫時的:請幾分鐘後再試。", retried(*retries)),
            },
            Server { info, retries, retry_after_s } => match retry_after_s.filter(|w| *w > MAX_RETRY_AFTER_S) {
                Some(w) => format!("Anthropic 發生伺服器錯誤({}),要求等 {}。請屆時再試。", info.status, human_secs(w)),
                None => format!(
                    "Anthropic 發生伺服器錯誤({}{})。通常是暫時的:請稍後再試。",
                    info.status,
                    retried(*retries)
                ),
            },
            UnexpectedStatus(info) => format!(
                "Anthropic 回應 HTTP {}。{} 請檢查 ANTHROPIC_BASE_URL 與中間的 proxy。",
                info.status,
                said(info)
            ),
            Connect { base_url, detail, retries } => format!(
                "連不上 {base_url}({detail}{})。請檢查 ANTHROPIC_BASE_URL、網路或 HTTPS_PROXY。",
                retried(*retries)
            ),
            Network { base_url, detail } => format!(
                "與 {base_url} 的連線中斷({detail})。請再試一次;若一直發生,請檢查網路或 HTTPS_PROXY。"
            ),
            Timeout { secs } => format!(
                "Anthropic {secs} 秒沒有傳來資料,請求已停止。請再試一次,或調高 .postmortem-lsp.toml 的 \
                 `[claude] timeout_s`。"
            ),
            Stream { kind, message } => {
                let msg = message.trim();
                if msg.is_empty() {
                    format!("Anthropic 回答途中回報錯誤({kind})。請稍後再試。")
                } else {
                    format!("Anthropic 回答途中回報錯誤:{msg}({kind})。請稍後再試。")
                }
            }
            MalformedStream(m) => format!(
                "無法讀取 Anthropic 的回應:{m}。請再試一次;若一直發生,請檢查 ANTHROPIC_BASE_URL 與中間的 proxy。"
            ),
            Cancelled => "已取消對 Claude 的請求。".to_string(),
        }
    }

    /// The API's request id, when the error came from the API.
    pub fn request_id(&self) -> Option<&str> {
        self.api_info().and_then(|i| i.request_id.as_deref())
    }

    /// The HTTP status, when the error came from an HTTP answer.
    pub fn status(&self) -> Option<u16> {
        self.api_info().map(|i| i.status)
    }

    fn api_info(&self) -> Option<&ApiErrorInfo> {
        use ClaudeError::*;
        match self {
            BadRequest(i) | Unauthorized(i) | PermissionDenied(i) | Billing(i) | SpendLimit(i)
            | RequestTooLarge(i) | UnexpectedStatus(i) => Some(i),
            NotFound { info, .. }
            | EndpointNotFound { info, .. }
            | RateLimited { info, .. }
            | Overloaded { info, .. }
            | Server { info, .. } => Some(info),
            _ => None,
        }
    }
}

fn after_retries(retries: u32) -> String {
    match retries {
        0 => String::new(),
        1 => " after 1 retry".to_string(),
        n => format!(" after {n} retries"),
    }
}

fn human_secs(s: f64) -> String {
    let s = s.ceil() as u64;
    if s >= 120 {
        format!("{} min", s.div_ceil(60))
    } else {
        format!("{s} s")
    }
}

impl fmt::Display for ClaudeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())
    }
}

impl std::error::Error for ClaudeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_sentences() {
        let info = ApiErrorInfo {
            status: 400,
            message: Some("max_tokens: too big".into()),
            ..Default::default()
        };
        let m = ClaudeError::BadRequest(info).user_message();
        assert!(
            m.contains("(400)") && m.contains("max_tokens: too big."),
            "{m}"
        );
        let m = ClaudeError::RateLimited {
            info: ApiErrorInfo::default(),
            retries: 3,
            retry_after_s: Some(300.0),
        }
        .user_message();
        assert!(m.contains("5 min"), "{m}");
        let m = ClaudeError::Overloaded {
            info: ApiErrorInfo::default(),
            retries: 2,
            retry_after_s: None,
        }
        .to_string();
        assert!(
            m.contains("overloaded") && m.contains("after 2 retries"),
            "{m}"
        );
    }
}
