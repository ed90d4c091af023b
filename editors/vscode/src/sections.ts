// The sections Claude can draft (the server's prompts/sections/*.md), and
// which of them a document already has.

export const SECTIONS = [
  "incident_ref",
  "timeline",
  "root_cause",
  "contributing_factors",
  "what_went_well",
  "what_went_wrong",
  "action_items",
  "blameless_summary",
  "prevention_categories",
  "systemic_changes",
  "decision_log",
  "out_of_scope",
  "slo_impact",
] as const;

export interface SectionPick {
  label: string;
  description: string;
}

/** Quick pick items: missing sections first, marked as such. */
export function sectionPicks(text: string): SectionPick[] {
  const present = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([a-z_]+):/.exec(line);
    if (m) present.add(m[1]);
  }
  const missing = SECTIONS.filter((s) => !present.has(s));
  const there = SECTIONS.filter((s) => present.has(s));
  return [
    ...missing.map((s) => ({ label: s, description: "missing: draft it" })),
    ...there.map((s) => ({ label: s, description: "has content: redraft (asks before replacing)" })),
  ];
}
