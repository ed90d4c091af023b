// Bundles the extension with esbuild into dist/extension.js (vscode is
// external). `--unit` also compiles the modules that do not need VS Code to
// out/unit/*.js for the unit tests.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const common = { platform: "node", target: "node20", format: "cjs", logLevel: "warning" };

await build({
  ...common,
  entryPoints: [join(root, "src/extension.ts")],
  outfile: join(root, "dist/extension.js"),
  bundle: true,
  external: ["vscode"],
  minify: !process.argv.includes("--dev"),
  sourcemap: false,
});

if (process.argv.includes("--unit")) {
  await build({
    ...common,
    entryPoints: ["match", "serverPath", "settings", "sections", "lowConfidence"].map((m) => join(root, `src/${m}.ts`)),
    outdir: join(root, "out/unit"),
    bundle: false,
  });
}
