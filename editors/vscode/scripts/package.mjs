// Builds the .vsix: typecheck, bundle, then `vsce package`.
//   node scripts/package.mjs [--server PATH] [--out FILE]
// --server bundles that postmortem-lsp binary as server/postmortem-lsp (the
// extension then needs nothing on PATH); the package is then marked for this
// platform (linux-x64, …).
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const server = arg("--server");
const pkg = (await import(join(root, "package.json"), { with: { type: "json" } })).default;
const out = resolve(arg("--out") ?? join(root, `${pkg.name}-${pkg.version}.vsix`));
const bin = (name) => join(root, "node_modules", ".bin", name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });

run(process.execPath, [join(root, "scripts/settings.mjs"), "--check"]);
run(bin("tsc"), ["-p", ".", "--noEmit"]);
run(process.execPath, [join(root, "scripts/build.mjs")]);
rmSync(join(root, "server"), { recursive: true, force: true });
const args = ["package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", out];
if (server) {
  mkdirSync(join(root, "server"), { recursive: true });
  const name = process.platform === "win32" ? "postmortem-lsp.exe" : "postmortem-lsp";
  copyFileSync(server, join(root, "server", name));
  chmodSync(join(root, "server", name), 0o755);
  const arch = { x64: "x64", arm64: "arm64" }[process.arch] ?? process.arch;
  const plat = { linux: "linux", darwin: "darwin", win32: "win32" }[process.platform] ?? process.platform;
  args.push("--target", `${plat}-${arch}`);
}
mkdirSync(dirname(out), { recursive: true });
try {
  run(bin("vsce"), args);
} finally {
  rmSync(join(root, "server"), { recursive: true, force: true });
}
console.log(out);
