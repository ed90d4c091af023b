#!/usr/bin/env python3
"""Measures "Review blameless wording with Claude" on a labelled batch of
crates/postmortem-lsp/tests/blameless/real.tsv, the way the phrase checker is
measured: precision and recall per language against the batch's labels (and a
second labeller's, and the sentences both agree on, when given), alone and
united with the phrase checker; then the same for flagging a sentence at all,
whatever the code.

An offline study, not part of the test suite: it sends the batch's sentences
to Anthropic's API through `postmortem-lsp draft FILE --wording --json --yes`,
so it needs a key (ANTHROPIC_API_KEY, or `[claude]` in the workspace's
.postmortem-lsp.toml) and costs tokens. The sentences are public text from
the sources in real.tsv; nothing else is sent. Without a key, `--dry-run`
writes the documents and prints what would be sent for the first.

The batch is written as postmortem documents of at most --per-doc sentences,
each sentence a prose value of its own: action items as
`action_items[i].statement`, what went well as `what_went_well[i]`, the
timeline as `timeline[i].event`, up to five root causes as
`root_cause.five_whys[i].why_<i+1>`, further root causes as
`contributing_factors[i].factor` with the contributing factors, and summary
sentences as `what_went_wrong[i]` with what went wrong (the PM302/PM303/PM306
phrases read those fields alike). A finding counts for the sentence its path
names.

  scripts/blameless-claude-eval.py --split fresh9 [--second L2.tsv] [--rules CODES] \
      [--bin target/release/postmortem-lsp] [--out DIR] [--dry-run]

CODES: `blameless_codes` output for the whole of real.tsv (see
scripts/blameless-agreement.py), to report the phrase checker and the union.

`--answers DIR` replays answers instead of calling the API: DIR holds
`<split>-NN.answer.json`, the whole reply for document NN (as written by
someone standing in for the model, given `<split>-NN.request.md` from
`--requests DIR`). They are served by the fake Anthropic server
(`--fake target/debug/fake-anthropic`) and read by the same
`draft --wording --json` path, so strict parsing and placing apply as with
the real API. What this measures is the prompt and the pipeline with that
stand-in, not the configured model.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

from blameless_data import ROOT, RULES, chinese, codes, prf, real_rows, second_labels


def q(s):
    # A JSON string is a YAML 1.2 double-quoted scalar.
    return json.dumps(s, ensure_ascii=False)


def documents(rows, per_doc):
    """Yields (yaml text, {path: row index}) for chunks of `rows`."""
    for start in range(0, len(rows), per_doc):
        chunk = enumerate(rows[start:start + per_doc], start)
        lists = {"www": [], "wwell": [], "cf": [], "tl": [], "ai": [], "why": []}
        for i, r in chunk:
            f = r["field"]
            if f.startswith("action_items"):
                lists["ai"].append(i)
            elif f == "what_went_well":
                lists["wwell"].append(i)
            elif f == "timeline":
                lists["tl"].append(i)
            elif f == "root_cause" and len(lists["why"]) < 5:
                lists["why"].append(i)
            elif f in ("root_cause", "contributing_factors"):
                lists["cf"].append(i)
            else:
                lists["www"].append(i)
        paths = {}
        y = [f"incident_ref:\n  id: EVAL-{start // per_doc + 1:03d}\n  title: Wording review evaluation\n"]
        if lists["why"]:
            y.append("root_cause:\n  five_whys:\n")
            for k, i in enumerate(lists["why"]):
                y.append(f"    - why_{k + 1}: {q(rows[i]['text'])}\n")
                paths[f"root_cause.five_whys[{k}].why_{k + 1}"] = i
        for key, name in (("cf", "contributing_factors"),):
            if lists[key]:
                y.append(f"{name}:\n")
                for k, i in enumerate(lists[key]):
                    y.append(f"  - factor: {q(rows[i]['text'])}\n")
                    paths[f"{name}[{k}].factor"] = i
        for key, name in (("www", "what_went_wrong"), ("wwell", "what_went_well")):
            if lists[key]:
                y.append(f"{name}:\n")
                for k, i in enumerate(lists[key]):
                    y.append(f"  - {q(rows[i]['text'])}\n")
                    paths[f"{name}[{k}]"] = i
        if lists["tl"]:
            y.append("timeline:\n")
            for k, i in enumerate(lists["tl"]):
                y.append(f"  - at: 2026-01-01T00:{k % 60:02d}:00Z\n    event: {q(rows[i]['text'])}\n")
                paths[f"timeline[{k}].event"] = i
        if lists["ai"]:
            y.append("action_items:\n")
            for k, i in enumerate(lists["ai"]):
                y.append(f"  - id: AI-{k + 1:03d}\n    statement: {q(rows[i]['text'])}\n")
                paths[f"action_items[{k}].statement"] = i
        yield "".join(y), paths


def report(rows, name, count):
    """Prints P/R per language for `count(i)`: the (tp, fp, fn) that sentence
    i adds, or None where the reference does not judge it."""
    for lang in (False, True):
        tp = fp = fn = 0
        for i, r in enumerate(rows):
            c = count(i) if chinese(r["text"]) == lang else None
            if c is not None:
                tp, fp, fn = tp + c[0], fp + c[1], fn + c[2]
        p, rec = prf(tp, fp, fn)
        print(f"  {name:<34} {'繁體中文' if lang else 'English':<8} P {p:.3f}  R {rec:.3f}  ({tp} found, {fp} extra, {fn} missed)")


def score(rows, got, ref_of, name):
    """P/R of `got` against `ref_of(i)`: the codes that count for sentence i,
    and which of the six rules are judged there (all of them, or for the
    consensus only those both labellers agree on)."""
    def count(i):
        judged = ref_of(i)
        if judged is None:
            return None
        ref, rules = judged
        return (sum(x in ref and x in got[i] for x in rules),
                sum(x in got[i] and x not in ref for x in rules),
                sum(x in ref and x not in got[i] for x in rules))
    report(rows, name, count)


def score_sentences(rows, got, flagged_of, name):
    """P/R of flagging a sentence at all (any code) against `flagged_of(i)`:
    whether the reference flags sentence i, or None where it does not judge
    it. Two readers often flag the same sentence under different codes; this
    is what a writer sees: which sentences to look at."""
    def count(i):
        ref = flagged_of(i)
        if ref is None:
            return None
        hit = bool(got[i])
        return (ref and hit, hit and not ref, ref and not hit)
    report(rows, name, count)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", required=True)
    ap.add_argument("--second", help="second labeller: id<TAB>codes per sentence of the split")
    ap.add_argument("--rules", help="blameless_codes output for the whole of real.tsv")
    ap.add_argument("--bin", default=str(ROOT / "target/release/postmortem-lsp"))
    ap.add_argument("--out", help="where to write the documents (default: a temporary folder)")
    ap.add_argument("--per-doc", type=int, default=60)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--requests", help="write each document's request (system prompt and user turn) here and stop")
    ap.add_argument("--answers", help="replay <split>-NN.answer.json from here through the fake server")
    ap.add_argument("--fake", default=str(ROOT / "target/debug/fake-anthropic"))
    args = ap.parse_args()

    all_rows = real_rows()
    idx = [k for k, r in enumerate(all_rows) if r["split"] == args.split]
    if not idx:
        raise SystemExit(f"no rows in split {args.split}")
    rows = [all_rows[k] for k in idx]
    out = pathlib.Path(args.out or tempfile.mkdtemp(prefix=f"wording-{args.split}-"))
    out.mkdir(parents=True, exist_ok=True)
    claude = [set() for _ in rows]
    placed = 0
    docs = list(documents(rows, args.per_doc))
    fake = None
    env = dict(os.environ)
    if args.answers:
        replies = []
        for n in range(len(docs)):
            a = pathlib.Path(args.answers) / f"{args.split}-{n + 1:02d}.answer.json"
            replies.append({"stream": {"text": a.read_text(encoding="utf-8")}})
        script = out / "replies.json"
        script.write_text(json.dumps(replies, ensure_ascii=False), encoding="utf-8")
        fake = subprocess.Popen([args.fake, "--port", "0", "--script", str(script)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        url = fake.stdout.readline().split()[-1]
        (out / ".postmortem-lsp.toml").write_text(
            f'[claude]\nbase_url = "{url}"\nmax_retries = 0\ntimeout_s = 30\n', encoding="utf-8")
        env["ANTHROPIC_API_KEY"] = "sk-ant-replay-not-a-key"
        env.pop("ANTHROPIC_BASE_URL", None)
    for n, (text, paths) in enumerate(docs):
        doc = out / f"{args.split}-{n + 1:02d}.postmortem.yaml"
        doc.write_text(text, encoding="utf-8")
        cmd = [args.bin, "draft", str(doc), "--wording"]
        if args.requests:
            body = json.loads(subprocess.run(cmd + ["--dry-run"], capture_output=True, text=True, check=True).stdout)
            system = "\n".join(c["text"] for c in body["system"])
            user = "\n".join(c["text"] for m in body["messages"] for c in m["content"] if c.get("type") == "text")
            req = pathlib.Path(args.requests) / f"{args.split}-{n + 1:02d}.request.md"
            req.parent.mkdir(parents=True, exist_ok=True)
            req.write_text(f"=== SYSTEM PROMPT ===\n{system}\n\n=== USER TURN ===\n{user}\n", encoding="utf-8")
            continue
        if args.dry_run:
            if n == 0:
                subprocess.run(cmd + ["--dry-run"], check=False)
            continue
        p = subprocess.run(cmd + ["--json", "--yes"], capture_output=True, text=True, env=env)
        sys.stderr.write(p.stderr)
        if p.returncode != 0:
            raise SystemExit(f"{doc}: draft --wording exited {p.returncode}")
        for line in p.stdout.splitlines():
            f = json.loads(line)
            i = paths.get(f["path"])
            if i is not None:
                claude[i].add(f["rule"])
                placed += 1
    if fake is not None:
        fake.kill()
    print(f"{args.split}: {len(rows)} sentences in {out}")
    if args.dry_run or args.requests:
        return
    print(f"{placed} findings placed")
    second = second_labels(args.second) if args.second else None
    rules = None
    if args.rules:
        preds = pathlib.Path(args.rules).read_text(encoding="utf-8").splitlines()
        if len(preds) != len(all_rows):
            raise SystemExit(f"{args.rules}: {len(preds)} lines for {len(all_rows)} rows")
        rules = [codes(preds[k]) for k in idx]
    systems = [("Claude", claude)]
    if rules:
        systems += [("phrase checker", rules), ("phrase checker ∪ Claude", [a | b for a, b in zip(rules, claude)])]
    refs = [("labeller 1", lambda i: (rows[i]["label"], RULES))]
    if second is not None:
        refs.append(("labeller 2", lambda i: (second[i], RULES) if i in second else None))
        # The decisions both make: a rule counts where they agree on it.
        refs.append(("consensus", lambda i: (rows[i]["label"], [
            x for x in RULES if (x in rows[i]["label"]) == (x in second.get(i, set()))
        ]) if i in second else None))
    for ref_name, ref_of in refs:
        print(f"\nagainst {ref_name}:")
        for name, got in systems:
            score(rows, got, ref_of, name)
    flags = [("labeller 1", lambda i: bool(rows[i]["label"]))]
    if second is not None:
        flags.append(("labeller 2", lambda i: bool(second[i]) if i in second else None))
        flags.append(("consensus", lambda i: bool(rows[i]["label"])
                      if i in second and bool(rows[i]["label"]) == bool(second[i]) else None))
    for ref_name, flagged_of in flags:
        print(f"\nsentences flagged at all (any code), against {ref_name}:")
        for name, got in systems:
            score_sentences(rows, got, flagged_of, name)
        if ref_name == "labeller 1" and second is not None:
            score_sentences(rows, [second.get(i, set()) for i in range(len(rows))], flagged_of, "labeller 2")

if __name__ == "__main__":
    main()
