#!/usr/bin/env bash
# Packaging test: every public package is packed as npm would publish it, installed into a
# fresh project outside the workspace next to only @tensorflow/tfjs-core and
# @tensorflow/tfjs-backend-wasm, and used from a plain Node ESM script (no bundler, no
# TypeScript) that trains a MAF and an MDN. Proves the tarballs are complete, the exports maps
# resolve in Node, and training works without tfjs' own gradient module.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/densityjs-pack.XXXXXX)"
trap 'rm -rf "$work"' EXIT

cd "$root"
pnpm turbo run build --filter='./packages/*' --output-logs=errors-only
mkdir -p "$work/tarballs"
for dir in packages/*/; do
  if node -e "process.exit(require('./${dir}package.json').private ? 0 : 1)"; then continue; fi
  (cd "$dir" && pnpm pack --pack-destination "$work/tarballs" >/dev/null)
done
ls "$work/tarballs"

mkdir -p "$work/app"
cd "$work/app"
echo '{"name":"densityjs-packaging-test","private":true,"type":"module"}' > package.json
npm install --no-audit --no-fund --loglevel=error \
  @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 "$work"/tarballs/*.tgz
cp "$root/scripts/packaging-smoke.mjs" smoke.mjs
node smoke.mjs
