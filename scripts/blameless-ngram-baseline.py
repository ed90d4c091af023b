#!/usr/bin/env python3
"""Would a statistical signal help the blameless rules on text they have not seen?

An offline experiment, not part of the product or the test suite. It trains one
logistic regression per rule (PM302–PM306) on character n-grams (and, with
--words, word uni/bigrams) of the labelled sentences in
crates/postmortem-lsp/tests/blameless/real.tsv and corpus.tsv, leaving out one
held-out batch and every batch collected after it, and reports, on that batch,
precision / recall per language of

  * the rules as they were before that batch's first run, and
  * those rules united with the model's findings above a threshold.

So the model is judged the way the rules were: on sentences nobody tuned on.

Needs scikit-learn (`python3 -m venv /tmp/venv && /tmp/venv/bin/pip install
scikit-learn`). The rules' codes come from the engine's `blameless_codes`
example built at the commit before the batch's first run, e.g. for fresh5
(first run on 1bad354):

  git worktree add --detach /tmp/old 1bad354
  cp crates/engine/examples/blameless_codes.rs /tmp/old/crates/engine/examples/
  (cd /tmp/old && CARGO_TARGET_DIR=/tmp/old-target cargo build -q -p postmortem-engine --example blameless_codes)
  grep -v '^#' crates/postmortem-lsp/tests/blameless/real.tsv | grep . | cut -f1,5 \
    | /tmp/old-target/debug/examples/blameless_codes crates/postmortem-lsp/tests/blameless/real-people.txt > /tmp/fresh5.rules
  /tmp/venv/bin/python scripts/blameless-ngram-baseline.py --held fresh5 --later fresh6,fresh7,fresh8,fresh9,fresh10 --rules /tmp/fresh5.rules

(for fresh4: commit 606a973 and `--later fresh5,…,fresh10`). The rules' codes for
corpus.tsv are not needed: it only trains.
"""
import argparse
import pathlib

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from blameless_data import DATA, RULES, chinese, codes

MODELLED = RULES[1:]  # names (PM301) stay with the name finder


def rows(path, columns):
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if columns == 5:
            field, label, split, _source, text = cols
        else:
            field, label, text = cols
            split = "corpus"
        out.append({"field": field, "label": codes(label), "split": split, "text": text})
    return out


def doc(r):
    kind = "ACT" if r["field"].startswith("action_items") else "CAUSE"
    return f"{kind} {r['text'].lower()}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--held", required=True, help="the held-out split, e.g. fresh5")
    ap.add_argument("--later", default="", help="splits collected after it, comma-separated (left out of training)")
    ap.add_argument("--rules", required=True, help="blameless_codes output for real.tsv, one line per row")
    ap.add_argument("--words", action="store_true", help="add word uni/bigrams to the character n-grams")
    ap.add_argument("--c", type=float, default=4.0, help="inverse regularization strength")
    args = ap.parse_args()

    real = rows(DATA / "real.tsv", 5)
    preds = pathlib.Path(args.rules).read_text(encoding="utf-8").splitlines()
    if len(preds) != len(real):
        raise SystemExit(f"{args.rules}: {len(preds)} lines for {len(real)} rows of real.tsv")
    for r, p in zip(real, preds):
        r["rules"] = codes(p)
    later = {s for s in args.later.split(",") if s}
    train = [r for r in real if r["split"] != args.held and r["split"] not in later]
    train += rows(DATA / "corpus.tsv", 3)
    test = [r for r in real if r["split"] == args.held]
    if not test:
        raise SystemExit(f"no rows in split {args.held}")

    vecs = [TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), min_df=2, sublinear_tf=True)]
    if args.words:
        vecs.append(TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                    token_pattern=r"(?u)\b\w+\b"))
    x_train = hstack([v.fit_transform([doc(r) for r in train]) for v in vecs]).tocsr()
    x_test = hstack([v.transform([doc(r) for r in test]) for v in vecs]).tocsr()
    prob = {}
    for rule in MODELLED:
        y = np.array([rule in r["label"] for r in train])
        model = LogisticRegression(C=args.c, class_weight="balanced", max_iter=3000)
        model.fit(x_train, y)
        prob[rule] = model.predict_proba(x_test)[:, 1]

    def table(name, got):
        line = [f"{name:<22}"]
        for lang in (False, True):
            tp = fp = fn = 0
            for i, r in enumerate(test):
                if chinese(r["text"]) != lang:
                    continue
                g = got(i, r)
                for rule in RULES:
                    e = rule in r["label"]
                    tp += e and rule in g
                    fp += rule in g and not e
                    fn += e and rule not in g
            p = tp / (tp + fp) if tp + fp else 1.0
            rec = tp / (tp + fn) if tp + fn else 1.0
            line.append(f"{'繁體中文' if lang else 'English'} P {p:.3f} R {rec:.3f}")
        print("   ".join(line))

    print(f"{args.held}: {len(test)} held-out sentences; trained on {len(train)} "
          f"(features {x_train.shape[1]}, C={args.c}, words={args.words})")
    table("rules", lambda i, r: r["rules"])
    for th in (0.5, 0.7, 0.8, 0.9):
        table(f"rules ∪ model ≥ {th}", lambda i, r, th=th: r["rules"] | {k for k in MODELLED if prob[k][i] >= th})
    table("model alone ≥ 0.5", lambda i, r: {k for k in MODELLED if prob[k][i] >= 0.5})


if __name__ == "__main__":
    main()
