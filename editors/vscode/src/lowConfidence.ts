// `postmortem.showLowConfidence` returns the fields to verify as
// `{uri, range, message, kind}`; this turns them into quick pick items.

export interface VerifyItem {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message?: string;
  kind?: string;
}

export interface VerifyPick {
  label: string;
  description: string;
  item: VerifyItem;
}

const ICONS: Record<string, string> = {
  lowConfidence: "$(warning)",
  todo: "$(edit)",
  noOwner: "$(person)",
};

const KINDS: Record<string, string> = {
  lowConfidence: "confidence below H",
  todo: "TODO",
  noOwner: "no owner",
};

export function verifyPicks(result: unknown): VerifyPick[] {
  if (!Array.isArray(result)) return [];
  return result
    .filter((x): x is VerifyItem => !!x && typeof x === "object" && typeof (x as VerifyItem).uri === "string" && !!(x as VerifyItem).range)
    .map((item) => ({
      label: `${ICONS[item.kind ?? ""] ?? "$(circle-outline)"} ${item.message ?? "verify"}`,
      description: `line ${item.range.start.line + 1} · ${KINDS[item.kind ?? ""] ?? item.kind ?? ""}`,
      item,
    }));
}
