// Levers for "set, 100 in flight": coalesceWrites on/off, connection count, and the upper bound of quiet write
// coalescing (a 100-item setMulti = quiet `ms … q` ×100 + `mn` / SETQ×100 + NOOP, i.e. what
// coalescing concurrent single sets could at best reach — it returns no per-item CAS).
// Run: cd packages/memcache && npx tsx bench/set-levers.ts
import { runScenario, startMemcached } from "@godropbox-ts/test-utils";
import { MemcacheClient } from "memcache-client";
import { createClient } from "../src/index.js";

const cluster = await startMemcached({ memoryMb: 256 });
const address = cluster.addresses[0] as string;
const mk = (
	protocol: "meta" | "binary" | "ascii",
	connections: number,
	coalesceWrites = true,
) =>
	createClient({
		servers: [address],
		protocol,
		timeout: 10_000,
		connections,
		coalesceWrites,
	});
const meta2 = mk("meta", 2);
const meta2u = mk("meta", 2, false);
const meta1 = mk("meta", 1);
const bin2 = mk("binary", 2);
const bin2u = mk("binary", 2, false);
const ascii2 = mk("ascii", 2);
const ascii2u = mk("ascii", 2, false);
const mc = new MemcacheClient({ server: address, ignoreNotStored: true });

const N = 1000;
const keys = Array.from({ length: N }, (_, i) => `bench:key:${i}`);
const VALUE = "v".repeat(100);
const valueBuf = Buffer.from(VALUE);
let cursor = 0;
const nextKey = (): string => {
	cursor = (cursor + 1) % N;
	return keys[cursor] as string;
};
const times = (n: number, f: () => Promise<unknown>) => {
	const ps: Promise<unknown>[] = new Array(n);
	for (let i = 0; i < n; i++) ps[i] = f();
	return Promise.all(ps);
};
const items = () =>
	Array.from({ length: 100 }, () => ({ key: nextKey(), value: valueBuf }));
const set100 = (c: ReturnType<typeof mk>) => () =>
	times(100, () => c.set({ key: nextKey(), value: valueBuf }));

await runScenario({
	title: "set, 100 in flight, ops/s (levers)",
	opsPerCall: 100,
	ours: { name: "meta (default: 2 conns, coalesceWrites)", fn: set100(meta2) },
	peers: [
		{ name: "meta, coalesceWrites: false", fn: set100(meta2u) },
		{ name: "meta, 1 conn", fn: set100(meta1) },
		{ name: "binary", fn: set100(bin2) },
		{ name: "binary, coalesceWrites: false", fn: set100(bin2u) },
		{ name: "ascii", fn: set100(ascii2) },
		{ name: "ascii, coalesceWrites: false", fn: set100(ascii2u) },
		{
			name: "meta setMulti(100) quiet bound",
			fn: () => meta2.setMulti(items()),
		},
		{
			name: "binary setMulti(100) quiet bound",
			fn: () => bin2.setMulti(items()),
		},
		{
			name: "memcache-client",
			fn: () => times(100, () => mc.set(nextKey(), VALUE)),
		},
	],
});
const mix = (c: ReturnType<typeof mk>) => () => {
	const ps: Promise<unknown>[] = new Array(200);
	for (let i = 0; i < 200; i++)
		ps[i] =
			i % 10 === 0
				? c.set({ key: nextKey(), value: valueBuf })
				: c.get(nextKey());
	return Promise.all(ps);
};
await runScenario({
	title: "90/10 get/set, 200 in flight, ops/s (coalesceWrites on/off)",
	opsPerCall: 200,
	ours: { name: "meta (default, coalesceWrites)", fn: mix(meta2) },
	peers: [
		{ name: "meta, coalesceWrites: false", fn: mix(meta2u) },
		{ name: "binary", fn: mix(bin2) },
		{ name: "binary, coalesceWrites: false", fn: mix(bin2u) },
		{ name: "ascii", fn: mix(ascii2) },
		{ name: "ascii, coalesceWrites: false", fn: mix(ascii2u) },
	],
});
for (const c of [meta1, meta2, meta2u, bin2, bin2u, ascii2, ascii2u])
	await c.close();
mc.shutdown();
await cluster.stop();
