#!/usr/bin/env bash
# Packs every publishable package with pnpm (which applies publishConfig and rewrites
# workspace:^), runs attw and publint on the tarballs, then installs all tarballs into a scratch
# project outside the workspace and checks that both `import` and `require` work.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pkgs=(errors hash2 net2 memcache sqlbuilder caching)
for p in "${pkgs[@]}"; do
  (cd "packages/$p" && pnpm pack --pack-destination "$out" >/dev/null)
done
ls "$out"
for p in "${pkgs[@]}"; do
  tgz=$(ls "$out"/godropbox-ts-"$p"-*.tgz)
  echo "--- @godropbox-ts/$p"
  "$root/node_modules/.bin/attw" "$tgz" --format table-flipped
  "$root/node_modules/.bin/publint" --pack pnpm "packages/$p"
done
scratch="$out/scratch"
mkdir -p "$scratch"
cd "$scratch"
echo '{"name":"scratch","version":"0.0.0","private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error "$out"/*.tgz >/dev/null
for p in "${pkgs[@]}"; do
  node -e "const m = require('@godropbox-ts/$p'); if (Object.keys(m).length === 0) throw new Error('empty CJS exports: $p'); console.log('require ok: $p', Object.keys(m).length, 'exports')"
  node --input-type=module -e "const m = await import('@godropbox-ts/$p'); if (Object.keys(m).length === 0) throw new Error('empty ESM exports: $p'); console.log('import  ok: $p', Object.keys(m).length, 'exports')"
done
