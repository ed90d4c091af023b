#!/usr/bin/env python3
"""Where does the phrase checker hold: teams' own postmortems, or news about them?

An offline study, not part of the test suite. Scores a `blameless_codes` output
for crates/postmortem-lsp/tests/blameless/real.tsv against the batch labels
(labeller 1), per source genre (tests/blameless/genre.tsv: own, finding,
coverage, guide, other) and language, over the splits given.

  scripts/blameless-genre.py --rules CODES [--splits fresh10,fresh11,fresh12]

CODES: one line of codes per row of real.tsv, as scripts/blameless-agreement.py
describes. Pass the splits that were held out from the rules that wrote CODES
to measure text the rules never saw; without --splits, every row is scored.
"""
import argparse
import collections

from blameless_data import DATA, RULES, chinese, codes, prf, real_rows


def genres():
    out = {}
    for line in (DATA / "genre.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            url, genre = line.split("\t")[:2]
            out[url] = genre
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", required=True, help="blameless_codes output for real.tsv")
    ap.add_argument("--splits", default="", help="comma-separated splits (default: all rows)")
    args = ap.parse_args()
    rows = real_rows()
    got = [codes(line) for line in open(args.rules, encoding="utf-8").read().splitlines()]
    if len(got) != len(rows):
        raise SystemExit(f"{args.rules}: {len(got)} lines for {len(rows)} rows of real.tsv")
    genre = genres()
    splits = {s for s in args.splits.split(",") if s}
    agg = collections.defaultdict(lambda: [0, 0, 0, 0, 0])
    for r, g in zip(rows, got):
        if splits and r["split"] not in splits:
            continue
        a = agg[(genre.get(r["source"], "?"), chinese(r["text"]))]
        a[3] += 1
        a[4] += bool(r["label"])
        for c in RULES:
            a[0] += c in r["label"] and c in g
            a[1] += c in g and c not in r["label"]
            a[2] += c in r["label"] and c not in g
    print(f"{'genre':9} {'lang':8} {'sentences':>9} {'flagged':>8}      P      R     F1")
    for (g, zh), (tp, fp, fn, n, flagged) in sorted(agg.items()):
        p, rec = prf(tp, fp, fn)
        f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
        print(f"{g:9} {'繁體中文' if zh else 'English':8} {n:9} {flagged:8}  {p:.3f}  {rec:.3f}  {f1:.3f}")


if __name__ == "__main__":
    main()
