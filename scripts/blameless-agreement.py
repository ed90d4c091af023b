#!/usr/bin/env python3
"""How far do two people agree on the blameless labels, and where is the checker?

An offline study, not part of the test suite. For one batch of
crates/postmortem-lsp/tests/blameless/real.tsv it compares

  * the batch's labels (labeller 1, committed before the checker ran on it),
  * a second labeller's labels, written from the same label guide (the header
    of real.tsv) without seeing labeller 1's labels, the rules or the checker,
  * the checker's codes (the `blameless_codes` example, at a given commit),

and prints, per language: micro precision / recall / F1 of each against each
(the first named is the reference), Cohen's kappa per rule (each sentence a
yes/no per rule), and the checker against the sentences on which the two
people agree.

Two labellers' agreement is the ceiling a checker can be measured against:
where people reading the same guide differ, no checker can score 1.0 against
either of them.

  scripts/blameless-agreement.py --split fresh5 --second L2.tsv --rules CODES [--rules-name NAME]...

L2.tsv: `id<TAB>codes` per sentence of the split, in file order (id from 1).
CODES: blameless_codes output for the whole of real.tsv (one line per row).
"""
import argparse
import pathlib

from blameless_data import RULES, chinese, codes, real_rows, second_labels

def prf(ref, got, rows):
    tp = fp = fn = 0
    for i in rows:
        tp += len(ref[i] & got[i])
        fp += len(got[i] - ref[i])
        fn += len(ref[i] - got[i])
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp + fn


def kappa(a, b, rows, rule):
    n = len(rows)
    if n == 0:
        return float("nan")
    ya = [rule in a[i] for i in rows]
    yb = [rule in b[i] for i in rows]
    po = sum(x == y for x, y in zip(ya, yb)) / n
    pa, pb = sum(ya) / n, sum(yb) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", required=True)
    ap.add_argument("--second", required=True, help="second labeller: id<TAB>codes")
    ap.add_argument("--rules", action="append", default=[], help="blameless_codes output for real.tsv")
    ap.add_argument("--rules-name", action="append", default=[], help="a name for each --rules")
    args = ap.parse_args()

    rows = real_rows()
    idx = [k for k, r in enumerate(rows) if r["split"] == args.split]
    if not idx:
        raise SystemExit(f"no rows in split {args.split}")
    l1 = [rows[k]["label"] for k in idx]
    text = [rows[k]["text"] for k in idx]
    second = second_labels(args.second)
    done = [i for i in range(len(idx)) if i in second]
    l2 = [second.get(i, set()) for i in range(len(idx))]
    systems = {"labeller 1": l1, "labeller 2": l2}
    names = args.rules_name + [f"checker {n}" for n in range(len(args.rules_name), len(args.rules))]
    for name, path in zip(names, args.rules):
        preds = pathlib.Path(path).read_text(encoding="utf-8").splitlines()
        if len(preds) != len(rows):
            raise SystemExit(f"{path}: {len(preds)} lines for {len(rows)} rows")
        systems[name] = [codes(preds[k]) for k in idx]

    print(f"{args.split}: {len(idx)} sentences, {len(done)} labelled by labeller 2")
    for lang in (False, True):
        rs = [i for i in done if chinese(text[i]) == lang]
        print(f"\n{'繁體中文' if lang else 'English'}: {len(rs)} sentences")
        print(f"  {'reference → compared':<40} {'pos':>4} {'P':>6} {'R':>6} {'F1':>6}")
        pairs = [("labeller 1", "labeller 2")]
        pairs += [(ref, n) for n in names for ref in ("labeller 1", "labeller 2")]
        for ref, got in pairs:
            p, r, f, pos = prf(systems[ref], systems[got], rs)
            print(f"  {ref + ' → ' + got:<40} {pos:>4} {p:>6.3f} {r:>6.3f} {f:>6.3f}")
        # Where the two people agree on a rule for a sentence, that (rule,
        # sentence) decision is the consensus; the checker is scored on those.
        for n in names:
            tp = fp = fn = 0
            for i in rs:
                for rule in RULES:
                    a, b = rule in l1[i], rule in l2[i]
                    if a != b:
                        continue
                    g = rule in systems[n][i]
                    tp += a and g
                    fp += g and not a
                    fn += a and not g
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            print(f"  {'consensus → ' + n:<40} {tp + fn:>4} {p:>6.3f} {r:>6.3f}")
        print("  Cohen's kappa per rule (yes/no per sentence):")
        for rule in RULES:
            ks = [f"1~2 {kappa(l1, l2, rs, rule):+.2f}"]
            ks += [f"1~{n} {kappa(l1, systems[n], rs, rule):+.2f}" for n in names]
            npos = sum(rule in l1[i] for i in rs), sum(rule in l2[i] for i in rs)
            print(f"    {rule} (pos {npos[0]}/{npos[1]}): " + "  ".join(ks))


if __name__ == "__main__":
    main()
