//! A corpus for tests and benchmarks, generated at run time from a seeded
//! generator: no secret-looking literal is committed (scanners and push
//! protection would flag it, and a real one must never be). Not part of the
//! API.

/// xorshift64*: the same values on every run.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn pick(&mut self, alphabet: &str, n: usize) -> String {
        let a: Vec<char> = alphabet.chars().collect();
        (0..n)
            .map(|_| a[(self.next_u64() % a.len() as u64) as usize])
            .collect()
    }
    pub fn digits(&mut self, n: usize) -> String {
        self.pick(DIGITS, n)
    }
}

pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
pub const DIGITS: &str = "0123456789";

pub fn alnum() -> String {
    format!("{UPPER}{LOWER}{DIGITS}")
}

fn b64url(bytes: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Builds `-----BEGIN <label>-----` without the whole marker appearing in
/// the source.
fn armour(edge: &str, label: &str) -> String {
    format!("{} {label} {}-----", "-".repeat(5) + edge, "KEY")
}

/// A secret planted in a text: its expected kind (alternatives split by
/// `|`), the text holding it, and the secret values (one per line for a
/// multi-line one) that must never be sent.
#[derive(Clone, Debug)]
pub struct Planted {
    pub kind: &'static str,
    pub text: String,
    pub values: Vec<String>,
}

fn planted(kind: &'static str, text: String, values: Vec<String>) -> Planted {
    for v in &values {
        assert!(text.contains(v.as_str()));
    }
    Planted { kind, text, values }
}

/// The eight secrets of issue 13, generated: an AWS key pair pasted from a
/// box, a GitHub token, a Slack bot token, a database URL with its password,
/// an Anthropic key, a bearer JWT and a private-key block.
pub fn issue_eight(g: &mut Gen) -> Vec<Planted> {
    let b64 = format!("{}+/", alnum());
    let key_body: Vec<String> = (0..5).map(|_| g.pick(&b64, 64)).collect();
    let jwt = format!(
        "{}.{}.{}",
        b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(
            format!(
                r#"{{"sub":"{}","name":"svc-checkout","iat":1700000000}}"#,
                g.digits(8)
            )
            .as_bytes()
        ),
        g.pick(&format!("{}-_", alnum()), 43)
    );
    let aws_id = "AKIA".to_string() + &g.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
    let aws_secret = g.pick(&b64, 40);
    let ghp = format!("ghp_{}", g.pick(&alnum(), 36));
    let slack = format!(
        "xoxb-{}-{}-{}",
        g.digits(12),
        g.digits(13),
        g.pick(&alnum(), 24)
    );
    let db_pw = g.pick(&alnum(), 18);
    let ant = format!("sk-ant-api03-{}AA", g.pick(&format!("{}-_", alnum()), 93));
    vec![
        planted(
            "aws-access-token",
            format!("export AWS_ACCESS_KEY_ID={aws_id}"),
            vec![aws_id],
        ),
        planted(
            "generic-api-key|password-assignment",
            format!("export AWS_SECRET_ACCESS_KEY={aws_secret}"),
            vec![aws_secret],
        ),
        planted(
            "github-pat",
            format!("[09:14] dana: use {ghp} for the mirror"),
            vec![ghp],
        ),
        planted(
            "slack-bot-token",
            format!("[09:15] eve: bot token is {slack}"),
            vec![slack],
        ),
        planted(
            "password-in-url",
            format!(
                "DATABASE_URL=postgres://checkout:{db_pw}@db-primary.prod.internal:5432/orders"
            ),
            vec![db_pw],
        ),
        planted(
            "anthropic-api-key",
            format!("ANTHROPIC_API_KEY={ant}"),
            vec![ant],
        ),
        planted(
            "jwt",
            format!("curl -s https://api.internal/v1/orders -H 'Authorization: Bearer {jwt}'"),
            vec![jwt],
        ),
        planted(
            "private-key",
            format!(
                "{}\n{}\n{}",
                armour("BEGIN", "RSA PRIVATE"),
                key_body.join("\n"),
                armour("END", "RSA PRIVATE")
            ),
            key_body,
        ),
    ]
}

/// More formats the issue names: (kind, line).
pub fn more_formats(g: &mut Gen) -> Vec<(&'static str, String)> {
    let an = alnum();
    vec![
        ("gitlab-pat", format!("token glpat-{}", g.pick(&an, 20))),
        (
            "stripe-access-token",
            format!("STRIPE_KEY is sk_live_{}", g.pick(&an, 32)),
        ),
        (
            "openai-api-key",
            format!(
                "OPENAI: sk-proj-{}T3BlbkFJ{}",
                g.pick(&an, 74),
                g.pick(&an, 74)
            ),
        ),
        ("gcp-api-key", format!("maps key AIza{}", g.pick(&an, 35))),
        (
            "npm-access-token",
            format!("//registry.npmjs.org/:_authToken=npm_{}", g.pick(&an, 36)),
        ),
        (
            "github-fine-grained-pat",
            format!("github_pat_{}", g.pick(&an, 82)),
        ),
        (
            "password-assignment|generic-api-key",
            format!("redis password={}", g.pick(&an, 14)),
        ),
        (
            "password-assignment|generic-api-key",
            format!("  db_password: \"{}9\"", g.pick(&an, 11)),
        ),
        (
            "password-assignment|generic-api-key",
            format!("SESSION_SECRET = '{}'", g.pick(&an, 9)),
        ),
        (
            "bearer-token",
            format!("Authorization: Bearer {}", g.pick(&an, 40)),
        ),
        (
            "password-in-url",
            format!("amqp://queue:{}@mq.prod.internal/", g.pick(&an, 12)),
        ),
    ]
}

/// Ordinary incident text: ids, SHAs, UUIDs, timestamps, hostnames,
/// versions, figures — generated, many shapes, in English and zh-TW.
pub fn ordinary_lines(g: &mut Gen, n: usize) -> Vec<String> {
    let hex = "0123456789abcdef";
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let sha = g.pick(hex, 40);
        let short = g.pick(hex, 7);
        let uuid = format!(
            "{}-{}-4{}-a{}-{}",
            g.pick(hex, 8),
            g.pick(hex, 4),
            g.pick(hex, 3),
            g.pick(hex, 3),
            g.pick(hex, 12)
        );
        let ts = format!(
            "2026-03-{:02}T{:02}:{:02}:{:02}Z",
            1 + i % 28,
            i % 24,
            i % 60,
            (i * 7) % 60
        );
        let host = format!(
            "checkout-api-{}-{}.prod.eu-west-1.internal",
            g.pick(hex, 6),
            g.pick(LOWER, 5)
        );
        let ver = format!("v{}.{}.{}", i % 5, i % 23, i % 11);
        let inc = format!("INC-{}", 1000 + i % 9000);
        let who = ["alice", "bob", "值班工程師", "ic", "carol"][i % 5];
        let line = match i % 16 {
            0 => format!("[{ts}] {who}: deploy {short} rolled out to 40% of pods"),
            1 => format!("commit {sha} reverted the connection pool change"),
            2 => format!("request_id={uuid} status=503 latency_ms={}", 200 + i % 900),
            3 => format!("{host} OOMKilled at {ts}, restart count {}", i % 9),
            4 => format!(
                "Upgraded payments-sdk from {ver} to v{}.{}.0 ({inc})",
                i % 5,
                1 + i % 23
            ),
            5 => format!(
                "[{ts}] {who}: token refresh errors went from 0.2% to {}%",
                i % 40
            ),
            6 => format!(
                "{inc}: p99 latency {}ms, error rate {}.{}%, SLO 99.9% over 30 days",
                300 + i,
                i % 10,
                i % 7
            ),
            7 => format!(
                "trace {} span {} auth-service -> session-store timeout",
                g.pick(hex, 32),
                g.pick(hex, 16)
            ),
            8 => format!(
                "[{ts}] {who}: 已回滾 {short},錯誤率在 {} 分鐘內恢復",
                3 + i % 20
            ),
            9 => format!(
                "kubectl rollout undo deployment/checkout-api --to-revision={}",
                i % 40
            ),
            10 => format!("secret rotation job ran at {ts}; key id {uuid} is the current one"),
            11 => format!(
                "image registry.internal/checkout:{ver}@sha256:{}",
                g.pick(hex, 64)
            ),
            12 => format!("[{ts}] {who}: the api key rotation runbook says to page security first"),
            13 => format!(
                "GET /v1/orders/{} 502 {}ms upstream=10.{}.{}.{}",
                g.digits(9),
                100 + i,
                i % 255,
                (i * 3) % 255,
                (i * 7) % 255
            ),
            14 => format!(
                "password reset emails delayed by {} minutes ({inc})",
                i % 60
            ),
            _ => format!(
                "dashboard https://grafana.internal/d/{}/checkout?from=now-6h&var-host={host}",
                g.pick(&alnum(), 9)
            ),
        };
        out.push(line);
    }
    out
}
