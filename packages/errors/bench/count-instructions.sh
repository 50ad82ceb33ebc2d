#!/bin/sh
# Load-independent cost per inner+wrapper pair: x86 instructions counted by valgrind
# (cachegrind, no cache simulation). Each contender runs twice, with N = 2,000 and 12,000 pairs
# after the same 5,000-pair warm-up; (Ir(12,000) − Ir(2,000)) / 10,000 cancels start-up and
# JIT compilation. Needs valgrind; ≈ 2–3 minutes. Run from packages/errors.
set -eu
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
../../node_modules/.bin/tsup bench/instructions-case.ts --format esm --platform node \
	--out-dir "$out" --no-config --silent
[ -f "$out/instructions-case.js" ] && mv "$out/instructions-case.js" "$out/instructions-case.mjs"
node "$out/instructions-case.mjs" plain 1 # fails loudly if the bundle does not run
count() {
	valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		node "$out/instructions-case.mjs" "$1" "$2" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
plain=0
for c in plain subclass dropboxError wrap; do
	a=$(count "$c" 2000)
	b=$(count "$c" 12000)
	per=$(((b - a) / 10000))
	[ "$c" = plain ] && plain=$per
	echo "$c: $per instructions per pair ($(echo "scale=2; $per / $plain" | bc)× plain)"
done
