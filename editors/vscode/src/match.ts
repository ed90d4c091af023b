// Which YAML files are postmortems: the server's rules (src/detect.rs).

/** `postmortem.yaml`/`.yml`, `*.postmortem.yaml`/`.yml`, under a
 *  `postmortems/` folder, or a top-level `incident_ref:` line in `text`. */
export function isPostmortem(path: string, text?: string): boolean {
  const parts = path.split(/[\\/]/);
  const name = (parts.pop() ?? "").toLowerCase();
  if (!(name.endsWith(".yaml") || name.endsWith(".yml"))) return false;
  if (name === "postmortem.yaml" || name === "postmortem.yml") return true;
  if (name.endsWith(".postmortem.yaml") || name.endsWith(".postmortem.yml")) return true;
  if (parts.includes("postmortems")) return true;
  return text !== undefined && hasIncidentRef(text);
}

/** A line `incident_ref:` at column 0. */
export function hasIncidentRef(text: string): boolean {
  return text
    .split(/\r?\n/)
    .some((l) => l.startsWith("incident_ref:") || l.startsWith('"incident_ref":') || l.startsWith("'incident_ref':"));
}
