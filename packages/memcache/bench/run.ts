// Benchmarks against one local memcached: ours vs memjs, memcached, memcache-client, interleaved
// rounds (test-utils runScenario). Run: cd packages/memcache && npx tsx bench/run.ts
// Env: BENCH_TIME_MS (per contender per round, default 300), BENCH_ROUNDS (default 5).
import { execFileSync } from "node:child_process";
import os from "node:os";
import {
	type BenchRow,
	benchMarkdown,
	runScenario,
	startMemcached,
	writeBenchReport,
} from "@godropbox-ts/test-utils";
import { MemcacheClient } from "memcache-client";
import Memcached from "memcached";
import memjs from "memjs";
import { createClient } from "../src/index.js";

const cluster = await startMemcached({ memoryMb: 256 });
const address = cluster.addresses[0] as string;

// Ours = what createClient gives by default (the meta protocol); the other two protocols of ours
// are listed next to the Node peers. Every client talks to the same server with the same flags.
const ours = createClient({ servers: [address], timeout: 10_000 });
const oursBinary = createClient({
	servers: [address],
	protocol: "binary",
	timeout: 10_000,
});
const oursAscii = createClient({
	servers: [address],
	protocol: "ascii",
	timeout: 10_000,
});
const mj = memjs.Client.create(address, {
	logger: { log: () => {} },
	timeout: 10,
});
const nm = new Memcached(address, { poolSize: 10, timeout: 10_000 });
const mc = new MemcacheClient({ server: address, ignoreNotStored: true });

const N = 1000;
const keys = Array.from({ length: N }, (_, i) => `bench:key:${i}`);
const VALUE = "v".repeat(100);
const valueBuf = Buffer.from(VALUE);
await ours.setMulti(keys.map((key) => ({ key, value: valueBuf })));

let cursor = 0;
const nextKey = (): string => {
	cursor = (cursor + 1) % N;
	return keys[cursor] as string;
};

const nmGet = (k: string) =>
	new Promise<unknown>((res, rej) =>
		nm.get(k, (e, d) => (e ? rej(e) : res(d))),
	);
const nmSet = (k: string) =>
	new Promise<unknown>((res, rej) =>
		nm.set(k, VALUE, 0, (e) => (e ? rej(e) : res(true))),
	);
const nmGetMulti = (ks: string[]) =>
	new Promise<unknown>((res, rej) =>
		nm.getMulti(ks, (e, d) => (e ? rej(e) : res(d))),
	);

function times(
	n: number,
	f: (i: number) => Promise<unknown>,
): Promise<unknown[]> {
	const ps: Promise<unknown>[] = new Array(n);
	for (let i = 0; i < n; i++) ps[i] = f(i);
	return Promise.all(ps);
}

const multiKeys = keys.slice(0, 100);
const results: { title: string; rows: BenchRow[] }[] = [];
const scenario = async (
	title: string,
	opsPerCall: number,
	fns: {
		ours: () => Promise<unknown>;
		binary: () => Promise<unknown>;
		ascii: () => Promise<unknown>;
		memjs: () => Promise<unknown>;
		memcached: () => Promise<unknown>;
		mc: () => Promise<unknown>;
	},
) => {
	if (
		process.env.BENCH_ONLY !== undefined &&
		!title.includes(process.env.BENCH_ONLY)
	)
		return;
	const rows = await runScenario({
		title,
		opsPerCall,
		ours: {
			name: `@godropbox-ts/memcache (${ours.protocol}, createClient default)`,
			fn: fns.ours,
		},
		peers: [
			{ name: "@godropbox-ts/memcache (binary)", fn: fns.binary },
			{ name: "@godropbox-ts/memcache (ascii)", fn: fns.ascii },
			{ name: "memjs", fn: fns.memjs },
			{ name: "memcached", fn: fns.memcached },
			{ name: "memcache-client", fn: fns.mc },
		],
	});
	results.push({ title, rows });
};

await scenario("sequential get (1 in flight), ops/s", 1, {
	ours: () => ours.get(nextKey()),
	ascii: () => oursAscii.get(nextKey()),
	binary: () => oursBinary.get(nextKey()),
	memjs: () => mj.get(nextKey()),
	memcached: () => nmGet(nextKey()),
	mc: () => mc.get(nextKey()),
});
await scenario("get, 100 in flight, ops/s", 100, {
	ours: () => times(100, () => ours.get(nextKey())),
	ascii: () => times(100, () => oursAscii.get(nextKey())),
	binary: () => times(100, () => oursBinary.get(nextKey())),
	memjs: () => times(100, () => mj.get(nextKey())),
	memcached: () => times(100, () => nmGet(nextKey())),
	mc: () => times(100, () => mc.get(nextKey())),
});
await scenario("set, 100 in flight, ops/s", 100, {
	ours: () => times(100, () => ours.set({ key: nextKey(), value: valueBuf })),
	ascii: () =>
		times(100, () => oursAscii.set({ key: nextKey(), value: valueBuf })),
	binary: () =>
		times(100, () => oursBinary.set({ key: nextKey(), value: valueBuf })),
	memjs: () => times(100, () => mj.set(nextKey(), VALUE, {})),
	memcached: () => times(100, () => nmSet(nextKey())),
	mc: () => times(100, () => mc.set(nextKey(), VALUE)),
});
await scenario("getMulti of 100 keys, calls/s", 1, {
	ours: () => ours.getMulti(multiKeys),
	ascii: () => oursAscii.getMulti(multiKeys),
	binary: () => oursBinary.getMulti(multiKeys),
	// memjs has no multi-get: 100 pipelined gets is its way.
	memjs: () => times(100, (i) => mj.get(multiKeys[i] as string)),
	memcached: () => nmGetMulti(multiKeys),
	mc: () => mc.get(multiKeys),
});
await scenario("getMulti of 100 keys, 10 calls in flight, calls/s", 10, {
	ours: () => times(10, () => ours.getMulti(multiKeys)),
	ascii: () => times(10, () => oursAscii.getMulti(multiKeys)),
	binary: () => times(10, () => oursBinary.getMulti(multiKeys)),
	memjs: () => times(1000, (i) => mj.get(multiKeys[i % 100] as string)),
	memcached: () => times(10, () => nmGetMulti(multiKeys)),
	mc: () => times(10, () => mc.get(multiKeys)),
});
await scenario("90/10 get/set, 200 in flight, ops/s", 200, {
	ours: () =>
		times(200, (i) =>
			i % 10 === 0
				? ours.set({ key: nextKey(), value: valueBuf })
				: ours.get(nextKey()),
		),
	ascii: () =>
		times(200, (i) =>
			i % 10 === 0
				? oursAscii.set({ key: nextKey(), value: valueBuf })
				: oursAscii.get(nextKey()),
		),
	binary: () =>
		times(200, (i) =>
			i % 10 === 0
				? oursBinary.set({ key: nextKey(), value: valueBuf })
				: oursBinary.get(nextKey()),
		),
	memjs: () =>
		times(200, (i) =>
			i % 10 === 0 ? mj.set(nextKey(), VALUE, {}) : mj.get(nextKey()),
		),
	memcached: () =>
		times(200, (i) => (i % 10 === 0 ? nmSet(nextKey()) : nmGet(nextKey()))),
	mc: () =>
		times(200, (i) =>
			i % 10 === 0 ? mc.set(nextKey(), VALUE) : mc.get(nextKey()),
		),
});

// The ceiling: libmemcached's C load generator (memcaslap, Debian libmemcached-tools) against the
// same server, 90/10 get/set (its default mix), 100-byte values, 200 concurrent requests.
let ceiling = "";
if (process.env.BENCH_ONLY !== undefined) ceiling = "";
else
	try {
		const out = execFileSync(
			"memcaslap",
			["-s", address, "-T", "2", "-c", "200", "-t", "4s", "-X", "100"],
			{ encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] },
		);
		const tps = Number(/TPS: (\d+)/.exec(out)?.[1] ?? Number.NaN);
		const mixed =
			results.find((r) => r.title.startsWith("90/10"))?.rows[0]?.opsPerSec ??
			Number.NaN;
		ceiling = `\n### Ceiling: memcaslap (C, libmemcached 1.1.4), 90/10 get/set, 200 concurrent, 2 threads\n\n| tool | ops/s | ours (90/10, 200 in flight) ÷ it |\n|---|---:|---:|\n| memcaslap | ${tps.toLocaleString("en-US")} | ${(mixed / tps).toFixed(2)}× |\n`;
		console.log(ceiling);
	} catch {
		ceiling =
			"\n(memcaslap not installed: apt-get install libmemcached-tools for the C ceiling)\n";
	}

const header = `Node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, memcached ${address}, 100-byte values.`;
writeBenchReport(
	`${benchMarkdown("@godropbox-ts/memcache", results)}\n${header}\n${ceiling}`,
);

await ours.close();
await oursBinary.close();
await oursAscii.close();
mj.close();
nm.end();
mc.shutdown();
await cluster.stop();
