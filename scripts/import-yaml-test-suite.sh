#!/usr/bin/env bash
# Copies the official yaml-test-suite (https://github.com/yaml/yaml-test-suite, MIT)
# into crates/syntax/tests/data/yaml-test-suite/: for every case, only the files the tests read
# (in.yaml, in.json, error, test.event and the case name `===`), plus the licence.
#
# usage: scripts/import-yaml-test-suite.sh CLONE [DEST]
#   CLONE  a clone of yaml/yaml-test-suite with its `data` branch (the converted cases)
set -euo pipefail
clone=${1:?usage: $0 CLONE [DEST]}
dest=${2:-crates/syntax/tests/data/yaml-test-suite}
commit=$(git -C "$clone" rev-parse data)
main=$(git -C "$clone" rev-parse main)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$clone" archive data | tar -x -C "$tmp"
rm -rf "$dest"
mkdir -p "$dest"
( cd "$tmp" && find . -name in.yaml -path './[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]/*' ) | sort | while read -r f; do
  d=$(dirname "$f")
  mkdir -p "$dest/$d"
  for n in in.yaml in.json error test.event ===; do
    [ -e "$tmp/$d/$n" ] && cp "$tmp/$d/$n" "$dest/$d/$n"
  done
done
git -C "$clone" show main:License > "$dest/License"
cat > "$dest/SOURCE.md" <<MD
# yaml-test-suite (imported)

From https://github.com/yaml/yaml-test-suite (MIT, see \`License\`), branch \`data\`
at commit \`$commit\` (cases generated from \`src/*.yaml\`; the licence file from \`main\` at \`$main\`).
Only \`in.yaml\`, \`in.json\` (the expected data, one JSON value per document), \`error\`
(present when a parser must reject the input), \`test.event\` and \`===\` (the case name) are kept.
Regenerate with \`scripts/import-yaml-test-suite.sh CLONE\`.
MD
echo "imported $(find "$dest" -name in.yaml | wc -l) cases from $commit"
