/**
 * Measures the known properties quoted in the README ("Known properties and limitations").
 * Run: `npx tsx bench/measure-properties.ts` (≈ 15 s). Deterministic (seeded xorshift keys).
 */
import {
	consistentHash,
	consistentHashHiLo,
	createKetamaShardFunction,
} from "../src/index.js";

let s = 0x2545f491;
const rnd = (): number => {
	s ^= s << 13;
	s ^= s >>> 17;
	s ^= s << 5;
	return s >>> 0;
};

function shares(n: number, keys: number): number[] {
	const counts = new Array<number>(n).fill(0);
	for (let i = 0; i < keys; i++) {
		const c = consistentHashHiLo(rnd(), rnd(), n);
		counts[c] = (counts[c] as number) + 1;
	}
	return counts.map((c) => (c * n) / keys); // 1.0 = fair share
}
const mean = (xs: number[]): number =>
	xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number): string => `${x.toFixed(2)}×`;

const s100 = shares(100, 2_000_000);
console.log(
	`n=100 (2M keys): shard 0 ${f(s100[0] as number)}, shard 99 ${f(s100[99] as number)}, ids 0-49 get ${(mean(s100.slice(0, 50)) * 50).toFixed(1)}%`,
);
const s1000 = shares(1000, 4_000_000);
console.log(
	`n=1000 (4M keys): shard 0 ${f(s1000[0] as number)}, 0-9 ${f(mean(s1000.slice(0, 10)))}, 10-19 ${f(mean(s1000.slice(10, 20)))}, 20-39 ${f(mean(s1000.slice(20, 40)))}, 40-59 ${f(mean(s1000.slice(40, 60)))}, 80-999 ${f(mean(s1000.slice(80)))}`,
);

// 64 → 32-bit folding: every key k·(2^32 + 1) folds to 0
const folded = new Set<number>();
for (let i = 0n; i < 100_000n; i++)
	folded.add(consistentHash(i * 0x1_0000_0001n, 1000));
console.log(
	`fold: 100,000 keys k·(2^32+1) → ${folded.size} distinct shard(s) of 1000 (shard ${[...folded][0]})`,
);
const lowOnly = new Set<number>();
for (let i = 0; i < 100_000; i++) {
	const x = rnd();
	lowOnly.add(
		consistentHash((BigInt(x) << 32n) | BigInt((x ^ 12345) >>> 0), 1000),
	);
}
console.log(
	`fold: 100,000 random keys with high^low = 12345 → ${lowOnly.size} distinct shard(s)`,
);

// ketama rounding: 6 → 7 equal servers
const servers = Array.from({ length: 7 }, (_, i) => `10.1.0.${i}:11211`);
const ketama = createKetamaShardFunction(servers);
let toNew = 0;
let between = 0;
const K = 200_000;
for (let i = 0; i < K; i++) {
	const k = `key:${i}`;
	const a = ketama(k, 6);
	const b = ketama(k, 7);
	if (b === 6) toNew++;
	else if (b !== a) between++;
}
console.log(
	`ketama 6→7 servers (${K} keys): ${((toNew / K) * 100).toFixed(2)}% to the new server, ${((between / K) * 100).toFixed(2)}% between old servers`,
);
