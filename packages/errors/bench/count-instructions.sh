#!/bin/sh
# Load-independent cost per inner+wrapper pair: x86 instructions counted by valgrind
# (cachegrind, no cache simulation). Each contender runs twice, with N = 2,000 and 22,000 pairs
# after the same 20,000-pair warm-up; (Ir(22,000) − Ir(2,000)) / 20,000 cancels start-up and
# JIT compilation. Node runs with --single-threaded (every contender alike; a measuring flag,
# the package needs none): with TurboFan compiling and the GC marking on background threads,
# when optimized code lands varied from run to run: plain `Error` counted 28.3 k and 34.3 k per
# pair in two runs of this script, 36.0–39.6 k in three runs with the longer warm-up; with
# --single-threaded, repeated counts agree within ≈ 1 %.
# Needs valgrind; ≈ 3 minutes. Run from packages/errors. NODE=/path/to/node counts under another
# Node (the package picks its way of capturing by V8 version, see src/internal/capture.ts).
set -eu
node=${NODE:-node}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
../../node_modules/.bin/tsup bench/instructions-case.ts --format esm --platform node \
	--out-dir "$out" --no-config --silent
[ -f "$out/instructions-case.js" ] && mv "$out/instructions-case.js" "$out/instructions-case.mjs"
"$node" "$out/instructions-case.mjs" plain 1 # fails loudly if the bundle does not run
count() {
	valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		"$node" --single-threaded "$out/instructions-case.mjs" "$1" "$2" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
echo "$("$node" --version), V8 $("$node" -p process.versions.v8)"
plain=0
for c in plain subclass dropboxError wrap; do
	a=$(count "$c" 2000)
	b=$(count "$c" 22000)
	per=$(((b - a) / 20000))
	[ "$c" = plain ] && plain=$per
	echo "$c: $per instructions per pair ($(echo "scale=2; $per / $plain" | bc)× plain)"
done
