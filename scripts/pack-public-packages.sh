#!/usr/bin/env bash
# Builds every public package and packs it as `pnpm publish` would (same files, same manifest:
# workspace ranges resolved, devDependencies and scripts dropped by .pnpmfile.cjs) into the
# folder given as the only argument. Private packages are skipped.
set -euo pipefail
dest="${1:?usage: pack-public-packages.sh DEST_DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
cd "$root"
pnpm turbo run build --filter='./packages/*' --output-logs=errors-only >&2
for dir in packages/*/; do
  if node -e "process.exit(require('./${dir}package.json').private ? 0 : 1)"; then continue; fi
  (cd "$dir" && pnpm pack --pack-destination "$dest" >/dev/null)
done
