// The meta protocol client against the binary and ascii clients (and memjs / memcached) on one
// local memcached, interleaved rounds (test-utils runScenario).
// Run: cd packages/memcache && npx tsx bench/meta.ts
// Env: BENCH_TIME_MS (per contender per round, default 300), BENCH_ROUNDS (default 5).
import os from "node:os";
import {
	type BenchRow,
	benchMarkdown,
	runScenario,
	startMemcached,
	writeBenchReport,
} from "@godropbox-ts/test-utils";
import Memcached from "memcached";
import memjs from "memjs";
import { RawAsciiClient, RawBinaryClient } from "../src/index.js";
import { RawMetaClient } from "../src/raw-meta-client.js";

const cluster = await startMemcached({ memoryMb: 256 });
const address = cluster.addresses[0] as string;
const opts = { address, timeout: 10_000 };
const meta = new RawMetaClient(opts);
const binary = new RawBinaryClient(opts);
const ascii = new RawAsciiClient(opts);
const mj = memjs.Client.create(address, {
	logger: { log: () => {} },
	timeout: 10,
});
const nm = new Memcached(address, { poolSize: 10, timeout: 10_000 });

const N = 1000;
const keys = Array.from({ length: N }, (_, i) => `bench:meta:${i}`);
const valueBuf = Buffer.from("v".repeat(100));
const VALUE = valueBuf.toString();
await binary.setMulti(keys.map((key) => ({ key, value: valueBuf })));

let cursor = 0;
const nextKey = (): string => {
	cursor = (cursor + 1) % N;
	return keys[cursor] as string;
};
function times(
	n: number,
	f: (i: number) => Promise<unknown>,
): Promise<unknown[]> {
	const ps: Promise<unknown>[] = new Array(n);
	for (let i = 0; i < n; i++) ps[i] = f(i);
	return Promise.all(ps);
}
const nmGet = (k: string) =>
	new Promise<unknown>((res, rej) =>
		nm.get(k, (e, d) => (e ? rej(e) : res(d))),
	);
const nmGetMulti = (ks: string[]) =>
	new Promise<unknown>((res, rej) =>
		nm.getMulti(ks, (e, d) => (e ? rej(e) : res(d))),
	);
const nmSet = (k: string) =>
	new Promise<unknown>((res, rej) =>
		nm.set(k, VALUE, 0, (e) => (e ? rej(e) : res(true))),
	);

const multiKeys = keys.slice(0, 100);
const results: { title: string; rows: BenchRow[] }[] = [];
const scenario = async (
	title: string,
	opsPerCall: number,
	ours: () => Promise<unknown>,
	peers: [string, () => Promise<unknown>][],
) => {
	const rows = await runScenario({
		title,
		opsPerCall,
		ours: { name: "@godropbox-ts/memcache (meta)", fn: ours },
		peers: peers.map(([name, fn]) => ({ name, fn })),
	});
	results.push({ title, rows });
};

await scenario(
	"get, 100 in flight, ops/s",
	100,
	() => times(100, () => meta.get(nextKey())),
	[
		[
			"@godropbox-ts/memcache (binary)",
			() => times(100, () => binary.get(nextKey())),
		],
		[
			"@godropbox-ts/memcache (ascii)",
			() => times(100, () => ascii.get(nextKey())),
		],
		["memjs", () => times(100, () => mj.get(nextKey()))],
		["memcached", () => times(100, () => nmGet(nextKey()))],
	],
);
await scenario(
	"set, 100 in flight, ops/s",
	100,
	() => times(100, () => meta.set({ key: nextKey(), value: valueBuf })),
	[
		[
			"@godropbox-ts/memcache (binary)",
			() => times(100, () => binary.set({ key: nextKey(), value: valueBuf })),
		],
		[
			"@godropbox-ts/memcache (ascii)",
			() => times(100, () => ascii.set({ key: nextKey(), value: valueBuf })),
		],
		["memjs", () => times(100, () => mj.set(nextKey(), VALUE, {}))],
		["memcached", () => times(100, () => nmSet(nextKey()))],
	],
);
await scenario(
	"getMulti of 100 keys, calls/s",
	1,
	() => meta.getMulti(multiKeys),
	[
		["@godropbox-ts/memcache (binary)", () => binary.getMulti(multiKeys)],
		["@godropbox-ts/memcache (ascii)", () => ascii.getMulti(multiKeys)],
		// memjs has no multi-get: 100 pipelined gets is its way.
		["memjs", () => times(100, (i) => mj.get(multiKeys[i] as string))],
		["memcached", () => nmGetMulti(multiKeys)],
	],
);
// The cost of the meta-only read: one mg per call (no coalescing) with f c t h l and a lease.
await scenario(
	"metaGet with lease (N30) vs get, 100 in flight, ops/s",
	100,
	() => times(100, () => meta.metaGet(nextKey(), { vivify: 30 })),
	[
		["meta get (coalesced)", () => times(100, () => meta.get(nextKey()))],
		["binary get (coalesced)", () => times(100, () => binary.get(nextKey()))],
	],
);

const header = `Node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, memcached ${address}, 100-byte values.`;
console.log(header);
writeBenchReport(
	`${benchMarkdown("@godropbox-ts/memcache — meta protocol", results)}\n${header}\n`,
);

await meta.close();
await binary.close();
await ascii.close();
mj.close();
nm.end();
await cluster.stop();
