#!/usr/bin/env bash
# Measures "Review blameless wording with Claude" with the configured model
# through Anthropic's real API, on the held-out batches collected after the
# shipped review prompt (fresh10–fresh13), against both labellers and their
# consensus — the measurement issue 14 is waiting for (docs/blameless.md,
# "Against the issue-14 targets"). Every figure in the docs so far comes from
# a stand-in for the model; this replaces it with the model itself.
#
#   ANTHROPIC_API_KEY=sk-ant-… scripts/blameless-review-real-api.sh --yes
#
# What is sent: the batches' sentences (public text from the URLs in
# crates/postmortem-lsp/tests/blameless/real.tsv) with the shipped review
# prompt, through `postmortem-lsp draft FILE --wording --json --yes`. Nothing
# else. Cost: about $0.14 per batch at claude-sonnet-4-6 list prices (22
# requests in all); the CLI prints each request's tokens and cost. The model
# is `[claude] model` in .postmortem-lsp.toml or the CLI's default.
# Without --yes it builds, prints what it would send for the first document of
# fresh10, and stops. The output goes to target/blameless-review-real-api.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
yes=0
[[ "${1:-}" == "--yes" ]] && yes=1
if [[ $yes == 1 && -z "${ANTHROPIC_API_KEY:-}" ]]; then
  echo "Set ANTHROPIC_API_KEY first (the key is read from the environment and never printed)." >&2
  exit 2
fi
cargo build -q --release -p postmortem-lsp
cargo build -q -p postmortem-engine --example blameless_codes
data=crates/postmortem-lsp/tests/blameless
codes=target/blameless-codes.txt
grep -v '^#' "$data/real.tsv" | grep . | cut -f1,5 \
  | target/debug/examples/blameless_codes "$data/real-people.txt" > "$codes"
if [[ $yes == 0 ]]; then
  python3 scripts/blameless-claude-eval.py --split fresh10 --bin target/release/postmortem-lsp --dry-run
  echo "That is the first of 22 requests. Run again with --yes to send them (about \$0.56 in all)." >&2
  exit 0
fi
out=target/blameless-review-real-api.txt
: > "$out"
for split in fresh10 fresh11 fresh12 fresh13; do
  python3 scripts/blameless-claude-eval.py --split "$split" --bin target/release/postmortem-lsp \
    --second "$data/second/$split.tsv" --rules "$codes" 2>&1 | tee -a "$out"
done
echo "Figures in $out: paste them into issue 14 with the model's name." >&2
