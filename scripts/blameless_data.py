"""What the offline blameless scripts share: the labelled data and how it is read.

Imported by scripts/blameless-ngram-baseline.py, blameless-agreement.py and
blameless-claude-eval.py (Python puts the script's own folder on the path).
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "crates/postmortem-lsp/tests/blameless"
RULES = ["PM301", "PM302", "PM303", "PM304", "PM305", "PM306"]


def chinese(s):
    """The same test as the Rust corpus tests: at least four CJK ideographs."""
    return sum("\u4e00" <= c <= "\u9fff" for c in s) >= 4


def codes(col):
    """The rule codes of a codes column (`PM302,PM305`, or `-`), checked."""
    out = {c.strip().upper() for c in col.split(",") if c.strip() not in ("", "-")}
    bad = out - set(RULES)
    if bad:
        raise SystemExit(f"unknown codes {sorted(bad)} in {col!r}")
    return out


def real_rows():
    """The rows of real.tsv, in file order: field, label (a set), split, source, text."""
    out = []
    for line in (DATA / "real.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            field, label, split, source, text = line.split("\t")
            out.append({"field": field, "label": codes(label), "split": split, "source": source, "text": text})
    return out


def second_labels(path):
    """A second labelling, `id<TAB>codes` per sentence of a split: {index from 0: codes}."""
    out = {}
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            sid, col = line.split("\t")[:2]
            out[int(sid) - 1] = codes(col)
    return out


def prf(tp, fp, fn):
    """Precision and recall; 1.0 when there is nothing to count."""
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)
