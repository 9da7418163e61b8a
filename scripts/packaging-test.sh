#!/usr/bin/env bash
# Packaging test: every public package is packed as npm would publish it, installed into a
# fresh project outside the workspace next to only @tensorflow/tfjs-core and
# @tensorflow/tfjs-backend-wasm, and used from a plain Node ESM script (no bundler, no
# TypeScript) that trains a MAF and an MDN. Proves the tarballs are complete, the exports maps
# resolve in Node, and training works without tfjs' own gradient module. Then: the tarballs'
# manifests and files (LICENSE, no devDependencies or private packages), require() from
# CommonJS (a clear ESM-only error), and the type-level signal a .cts file gets.
# DENSITYJS_TARBALLS=dir reuses tarballs packed by scripts/pack-public-packages.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/densityjs-pack.XXXXXX)"
trap 'rm -rf "$work"' EXIT

tarballs="${DENSITYJS_TARBALLS:-$work/tarballs}"
if [ -z "${DENSITYJS_TARBALLS:-}" ]; then bash "$root/scripts/pack-public-packages.sh" "$tarballs"; fi
ls "$tarballs"
node "$root/scripts/packaging-check-tarballs.mjs" "$tarballs"

mkdir -p "$work/app"
cd "$work/app"
echo '{"name":"densityjs-packaging-test","private":true,"type":"module"}' > package.json
npm install --no-audit --no-fund --loglevel=error \
  @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 "$tarballs"/*.tgz
cp "$root/scripts/packaging-smoke.mjs" smoke.mjs
node smoke.mjs

# CommonJS: require() throws the ESM-only error, import() works.
cp "$root/scripts/packaging-require.cjs" require.cjs
node require.cjs

# TypeScript CommonJS (.cts): names taken from require() are type errors, import() types fine.
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "module": "nodenext", "target": "es2022", "strict": true, "noEmit": true,
  "skipLibCheck": true, "types": [] } }
JSON
printf '%s\n' "import flows = require('@densityjs/flows');" "export const f = flows.maf;" > require.cts
printf '%s\n' "export async function load() { const { maf } = await import('@densityjs/flows'); return maf; }" > dynamic.cts
tsc="$root/node_modules/typescript/bin/tsc"
node "$tsc" -p . --listFilesOnly >/dev/null
if out="$(node "$tsc" -p . 2>&1)"; then
  echo "a .cts file that takes maf from require('@densityjs/flows') type-checked; expected an error"; exit 1
fi
if ! grep -q "require.cts.*Property 'maf' does not exist" <<<"$out" || grep -q dynamic.cts <<<"$out"; then
  echo "unexpected TypeScript output for the .cts files:"; echo "$out"; exit 1
fi
echo ".cts: require() gives the ESM-only type (\"Property 'maf' does not exist\"), import() is typed"
echo "packaging test passed"
