// The `postmortem` settings section sent to the server: unset values left
// out (so `.postmortem-lsp.toml` applies), the extension's own keys removed,
// and the API key from SecretStorage added in memory.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Keys under `postmortem.` that are the extension's, not the server's. */
export const EXTENSION_KEYS = ["server", "trace"];

/** A copy without null/undefined values and without empty objects. */
export function withoutUnset(v: unknown): Json | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.map(withoutUnset).filter((x): x is Json => x !== undefined);
  if (typeof v === "object") {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x === "function") continue;
      const c = withoutUnset(x);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return undefined;
}

/** What the server gets for `workspace/configuration` (section `postmortem`)
 *  and as `initializationOptions`. */
export function serverSettings(section: unknown, apiKey: string | undefined): { [k: string]: Json } {
  const clean = (withoutUnset(section) ?? {}) as { [k: string]: Json };
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(clean)) {
    if (!EXTENSION_KEYS.includes(k)) out[k] = v;
  }
  const claude = (out.claude && typeof out.claude === "object" && !Array.isArray(out.claude) ? out.claude : {}) as {
    [k: string]: Json;
  };
  // A key typed into settings.json is never used: only SecretStorage's.
  delete claude.apiKey;
  const key = apiKey?.trim();
  if (key) claude.apiKey = key;
  if (Object.keys(claude).length) out.claude = claude;
  else delete out.claude;
  return out;
}
