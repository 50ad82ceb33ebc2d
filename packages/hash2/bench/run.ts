/**
 * hash2 benchmark: our shard functions beside hashring and jump-consistent-hash (npm), in one
 * process, interleaved rounds (test-utils runScenario). Run: `npx tsx bench/run.ts`
 * (env BENCH_TIME_MS, BENCH_ROUNDS tune it; default ≈ 50 s).
 *
 * Each contender call hashes a batch of keys (opsPerCall) so the harness loop is not what we
 * measure. Keys are sequential 64-bit integers, as in godropbox's BenchmarkConsistentHash*.
 */
import { createRequire } from "node:module";
import {
	type BenchRow,
	benchMarkdown,
	runScenario,
	writeBenchReport,
} from "@godropbox-ts/test-utils";
import {
	consistentHash,
	consistentHashHiLo,
	consistentHashShardFunction,
	jumpHashHiLo,
	jumpHashShardFunction,
	KetamaRing,
	rendezvousShardFunction,
} from "../src/index.js";

const require = createRequire(import.meta.url);
const HashRing = require("hashring") as new (
	servers: unknown,
	algorithm?: string,
	options?: Record<string, unknown>,
) => { get(key: string): string };
const { jumpConsistentHash } = require("jump-consistent-hash") as {
	jumpConsistentHash: (key: string, buckets: number) => number;
};

/** Go godropbox ConsistentHash, calls/s measured on this machine (issue 4). */
const GO_CALLS_PER_SEC: Record<number, number> = {
	10: 20e6,
	100: 2.6e6,
	1000: 278e3,
};

const BIG_KEYS = Array.from({ length: 4096 }, (_, i) => BigInt(i));
const STR_KEYS = Array.from({ length: 10_000 }, (_, i) => `user:${i}:profile`);
let sink = 0;

const results: { title: string; rows: BenchRow[] }[] = [];

/**
 * calls/s by CPU time (process.cpuUsage), median of 5 bounded runs: on a shared, loaded
 * machine wall-clock rates mostly measure the other processes; CPU time does not count the
 * time this process was waiting for a core.
 */
function cpuRate(fn: (i: number) => number, calls: number): number {
	const rates: number[] = [];
	for (let r = 0; r < 5; r++) {
		const t0 = process.cpuUsage();
		for (let i = 0; i < calls; i++) sink ^= fn(i);
		const c = process.cpuUsage(t0);
		rates.push(calls / ((c.user + c.system) / 1e6));
	}
	rates.sort((a, b) => a - b);
	return rates[2] as number;
}
const goLines: string[] = [];

for (const n of [10, 100, 1000]) {
	const batch = n === 10 ? 1024 : n === 100 ? 128 : 16;
	let next = 0;
	const title = `64-bit integer key → shard, ${n} shards`;
	const rows = await runScenario({
		title,
		opsPerCall: batch,
		ours: {
			name: "consistentHashHiLo (hot path)",
			fn: () => {
				for (let i = 0; i < batch; i++)
					sink ^= consistentHashHiLo(0, next++ >>> 0, n);
			},
		},
		peers: [
			{
				name: "consistentHash (bigint entry)",
				fn: () => {
					for (let i = 0; i < batch; i++) {
						sink ^= consistentHash(BIG_KEYS[next++ & 4095] as bigint, n);
					}
				},
			},
			{
				name: "jumpHashHiLo (ours, Lamping & Veach)",
				fn: () => {
					for (let i = 0; i < batch; i++)
						sink ^= jumpHashHiLo(0, next++ >>> 0, n);
				},
			},
			{
				name: "jump-consistent-hash (npm)",
				fn: () => {
					for (let i = 0; i < batch; i++) {
						sink ^= jumpConsistentHash(STR_KEYS[next++ % 10_000] as string, n);
					}
				},
			},
		],
	});
	results.push({ title, rows });
	const go = GO_CALLS_PER_SEC[n] as number;
	const calls = n === 10 ? 2_000_000 : n === 100 ? 300_000 : 30_000;
	const hot = cpuRate((i) => consistentHashHiLo(0, i, n), calls);
	const big = cpuRate(
		(i) => consistentHash(BIG_KEYS[i & 4095] as bigint, n),
		calls,
	);
	goLines.push(
		`| ${n} | ${Math.round(go).toLocaleString("en-US")} | ${Math.round(hot).toLocaleString("en-US")} | ${(hot / go).toFixed(2)}× | ${Math.round(big).toLocaleString("en-US")} | ${(big / go).toFixed(2)}× |`,
	);
}

const servers = Array.from({ length: 10 }, (_, i) => `10.0.0.${i}:11211`);
for (const [label, keyCount] of [
	["10,000 distinct keys (beyond hashring's 5,000-entry LRU)", 10_000],
	["100 hot keys (hashring's LRU cache hits)", 100],
] as const) {
	const ours = new KetamaRing(servers);
	const theirs = new HashRing(servers);
	const batch = 64;
	let next = 0;
	const title = `ketama lookup, 10 servers, ${label}`;
	const rows = await runScenario({
		title,
		opsPerCall: batch,
		ours: {
			name: "KetamaRing#get",
			fn: () => {
				for (let i = 0; i < batch; i++) {
					sink ^= ours.get(STR_KEYS[next++ % keyCount] as string).length;
				}
			},
		},
		peers: [
			{
				name: "hashring#get",
				fn: () => {
					for (let i = 0; i < batch; i++) {
						sink ^= theirs.get(STR_KEYS[next++ % keyCount] as string).length;
					}
				},
			},
		],
	});
	results.push({ title, rows });
}

{
	const batch = 256;
	let next = 0;
	const title = "string key → shard (ShardFunction), 10 shards";
	const ring = new KetamaRing(servers);
	const theirs = new HashRing(servers);
	const run = (f: (k: string) => number) => () => {
		for (let i = 0; i < batch; i++)
			sink ^= f(STR_KEYS[next++ % 10_000] as string);
	};
	const rows = await runScenario({
		title,
		opsPerCall: batch,
		ours: {
			name: "consistentHashShardFunction",
			fn: run((k) => consistentHashShardFunction(k, 10)),
		},
		peers: [
			{
				name: "jumpHashShardFunction",
				fn: run((k) => jumpHashShardFunction(k, 10)),
			},
			{
				name: "rendezvousShardFunction",
				fn: run((k) => rendezvousShardFunction(k, 10)),
			},
			{ name: "KetamaRing#getIndex", fn: run((k) => ring.getIndex(k)) },
			{ name: "hashring#get", fn: run((k) => theirs.get(k).length) },
			{
				name: "jump-consistent-hash (npm)",
				fn: run((k) => jumpConsistentHash(k, 10)),
			},
		],
	});
	results.push({ title, rows });
}

const goTable = [
	"### godropbox consistentHash vs Go (calls per CPU-second, median of 5; Go figures from issue 4, same machine)",
	"",
	"| shards | Go | hot path (hi, lo) | ÷ Go | bigint entry | ÷ Go |",
	"|---:|---:|---:|---:|---:|---:|",
	...goLines,
	"",
].join("\n");
console.log(`\n${goTable}`);
const header = `Node ${process.version}, ${process.platform}/${process.arch}; sink ${sink & 1}\n\n`;
writeBenchReport(
	`${benchMarkdown("@godropbox-ts/hash2", results)}\n${header}${goTable}`,
);
