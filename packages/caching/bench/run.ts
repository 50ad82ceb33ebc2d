/**
 * caching bench: our layers vs a raw memcache client, cache-manager and bentocache, one process,
 * interleaved rounds (test-utils runScenario). Bounded: BENCH_TIME_MS × BENCH_ROUNDS per
 * contender (defaults 300 ms × 5), ~35 s in total. BENCH_ONLY=word[,word] runs only the
 * scenarios whose title contains one of the words (e.g. BENCH_ONLY="100 in flight").
 *
 *   cd packages/caching && npx tsx bench/run.ts
 */
import { createClient } from "@godropbox-ts/memcache";
import {
	type BenchRow,
	benchMarkdown,
	createRedisNamespace,
	requireServers,
	runScenario,
	startMemcached,
	writeBenchReport,
} from "@godropbox-ts/test-utils";
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { redisDriver } from "bentocache/drivers/redis";
import { createCache } from "cache-manager";
import { Redis } from "ioredis";
import {
	bytesCodec,
	CacheOnStorage,
	GenericStorage,
	LocalMapStorage,
	MemcacheStorage,
} from "../src/index.js";

interface Profile {
	id: string;
	name: string;
	email: string;
	visits: number;
}

const profile = (i: number): Profile => ({
	id: `p${i}`,
	name: `user ${i}`,
	email: `user${i}@example.com`,
	visits: i * 7,
});
const keyOf = (p: Profile): string => p.id;
const N = 100;
const ids = Array.from({ length: N }, (_, i) => `p${i}`);

if (!(await requireServers("memcached", "redis"))) process.exit(0);

const only = (process.env.BENCH_ONLY ?? "")
	.split(",")
	.map((w) => w.trim())
	.filter((w) => w.length > 0);
const want = (title: string): boolean =>
	only.length === 0 || only.some((w) => title.includes(w));

const cluster = await startMemcached({ count: 1 });
const ns = await createRedisNamespace("caching_bench");
const client = createClient({ servers: cluster.addresses, protocol: "binary" });
// The meta protocol (own client: memcached fixes a connection's protocol at its first byte).
const metaClient = createClient({
	servers: cluster.addresses,
	protocol: "meta",
});
const redis = new Redis(ns.url);

// The backing storage is never reached on the hit path; it only answers the warm-up.
const backing = new GenericStorage<string, Profile>("backing", {
	lock: false,
	get: (id) => profile(Number(id.slice(1))),
	getMulti: (keys) => keys.map((id) => profile(Number(id.slice(1)))),
	set: () => {},
	delete: () => {},
});
const memcacheLayer = new MemcacheStorage<string, Profile>(client, {
	keyOf,
	prefix: "b:",
});
const ours = new CacheOnStorage(memcacheLayer, backing, { keyOf });
const local = new CacheOnStorage(
	new LocalMapStorage<string, Profile>({ keyOf }),
	backing,
	{ keyOf },
);
await ours.getMulti(ids);
// The same layers with the bytes codec: what CacheOnStorage + MemcacheStorage cost over the
// client, without the JSON decode every JSON-storing peer also pays.
const asBytes = (p: Profile): Uint8Array => Buffer.from(JSON.stringify(p));
const bytesBacking = new GenericStorage<string, Uint8Array>("bytes-backing", {
	lock: false,
	getMulti: (keys) => keys.map((id) => asBytes(profile(Number(id.slice(1))))),
});
const bytesKeyOf = (b: Uint8Array): string =>
	(JSON.parse(Buffer.from(b).toString("utf8")) as Profile).id;
const oursBytes = new CacheOnStorage(
	new MemcacheStorage<string, Uint8Array>(client, {
		keyOf: bytesKeyOf,
		prefix: "y:",
		codec: bytesCodec(),
	}),
	bytesBacking,
	{ keyOf: bytesKeyOf },
);
await oursBytes.getMulti(ids);
await local.getMulti(ids);
// Meta path: CacheOnStorage with meta leases (the default for a meta client) and without.
const metaBytes = new MemcacheStorage<string, Uint8Array>(metaClient, {
	keyOf: bytesKeyOf,
	prefix: "y:",
	codec: bytesCodec(),
});
const oursMeta = new CacheOnStorage(metaBytes, bytesBacking, {
	keyOf: bytesKeyOf,
});
const oursMetaMg = new CacheOnStorage(metaBytes, bytesBacking, {
	keyOf: bytesKeyOf,
	metaLease: { plainHits: false },
});
const oursMetaOff = new CacheOnStorage(metaBytes, bytesBacking, {
	keyOf: bytesKeyOf,
	metaLease: false,
});
// What `createClient({ servers })` gives users (the meta protocol) with the JSON codec: the
// default read-through setup, leases on.
const oursDefault = new CacheOnStorage(
	new MemcacheStorage<string, Profile>(metaClient, { keyOf, prefix: "m:" }),
	backing,
	{ keyOf },
);
await oursDefault.getMulti(ids);
if (!oursMeta.metaLeases || oursMetaOff.metaLeases)
	throw new Error("meta lease detection");

const bentoL2 = new BentoCache({
	default: "l2",
	prefix: `${ns.prefix}l2`,
	stores: { l2: bentostore().useL2Layer(redisDriver({ connection: redis })) },
});
const bentoTiered = new BentoCache({
	default: "tiered",
	prefix: `${ns.prefix}t`,
	stores: {
		tiered: bentostore()
			.useL1Layer(memoryDriver({ maxItems: 10_000 }))
			.useL2Layer(redisDriver({ connection: redis })),
	},
});
const cm = createCache();
for (const id of ids) {
	const p = profile(Number(id.slice(1)));
	await bentoL2.getOrSet({ key: id, factory: () => p });
	await bentoTiered.getOrSet({ key: id, factory: () => p });
	await cm.set(id, p);
}

const utf8 = new TextDecoder();
const decode = (r: { value: Buffer | undefined }): unknown =>
	r.value === undefined ? undefined : JSON.parse(utf8.decode(r.value));

let i = 0;
const next = (): string => ids[i++ % N] as string;
const results: { title: string; rows: BenchRow[] }[] = [];

if (
	want(
		"Hit path, 1 in flight: CacheOnStorage over MemcacheStorage vs a raw memcache get",
	)
)
	results.push({
		title:
			"Hit path, 1 in flight: CacheOnStorage over MemcacheStorage vs a raw memcache get",
		rows: await runScenario({
			title: "hit path (1 in flight)",
			ours: {
				name: "CacheOnStorage → MemcacheStorage (get + JSON decode)",
				fn: () => ours.get(next()),
			},
			peers: [
				{
					name: "raw @godropbox-ts/memcache get (bytes, no decode)",
					fn: () => client.get(`b:${next()}`),
				},
				{
					name: "raw @godropbox-ts/memcache get + JSON decode",
					fn: () => client.get(`b:${next()}`).then(decode),
				},
				{
					name: "bentocache L2 (Redis) get",
					fn: () => bentoL2.get({ key: next() }),
				},
			],
		}),
	});

if (
	want("Layer overhead, 100 in flight (bytes codec: no decode on either side)")
)
	results.push({
		title:
			"Layer overhead, 100 in flight (bytes codec: no decode on either side)",
		rows: await runScenario({
			title: "layer overhead (100 in flight, bytes)",
			opsPerCall: N,
			ours: {
				name: "CacheOnStorage → MemcacheStorage (bytesCodec)",
				fn: () => Promise.all(ids.map((id) => oursBytes.get(id))),
			},
			peers: [
				{
					name: "raw @godropbox-ts/memcache get",
					fn: () => Promise.all(ids.map((id) => client.get(`y:${id}`))),
				},
			],
		}),
	});

if (want("Hit path, 100 in flight"))
	results.push({
		title: "Hit path, 100 in flight",
		rows: await runScenario({
			title: "hit path (100 in flight)",
			opsPerCall: N,
			ours: {
				name: "CacheOnStorage → MemcacheStorage",
				fn: () => Promise.all(ids.map((id) => ours.get(id))),
			},
			peers: [
				{
					name: "raw @godropbox-ts/memcache get",
					fn: () => Promise.all(ids.map((id) => client.get(`b:${id}`))),
				},
				{
					name: "raw @godropbox-ts/memcache get + JSON decode",
					fn: () =>
						Promise.all(ids.map((id) => client.get(`b:${id}`).then(decode))),
				},
			],
		}),
	});

if (want("Hit path, 100 in flight, createClient default"))
	results.push({
		title:
			"Hit path, 100 in flight, createClient default (meta protocol, JSON codec, leases on)",
		rows: await runScenario({
			title: "hit path, default client (100 in flight)",
			opsPerCall: N,
			ours: {
				name: "CacheOnStorage → MemcacheStorage (meta client)",
				fn: () => Promise.all(ids.map((id) => oursDefault.get(id))),
			},
			peers: [
				{
					name: "raw meta client get",
					fn: () => Promise.all(ids.map((id) => metaClient.get(`m:${id}`))),
				},
				{
					name: "raw meta client get + JSON decode",
					fn: () =>
						Promise.all(
							ids.map((id) => metaClient.get(`m:${id}`).then(decode)),
						),
				},
			],
		}),
	});

// bentocache in its own scenario: interleaving keeps the contenders' cyclic order, so whoever
// follows a heavy allocator inherits its garbage; here that was always CacheOnStorage.
if (want("Hit path, 100 in flight, vs bentocache"))
	results.push({
		title: "Hit path, 100 in flight, vs bentocache",
		rows: await runScenario({
			title: "hit path vs bentocache (100 in flight)",
			opsPerCall: N,
			ours: {
				name: "CacheOnStorage → MemcacheStorage",
				fn: () => Promise.all(ids.map((id) => ours.get(id))),
			},
			peers: [
				{
					name: "bentocache L2 (Redis) get",
					fn: () => Promise.all(ids.map((key) => bentoL2.get({ key }))),
				},
			],
		}),
	});

if (want("Hit path, 100 in flight, meta protocol"))
	results.push({
		title:
			"Hit path, 100 in flight, meta protocol (bytes codec): CacheOnStorage with meta leases vs raw meta gets",
		rows: await runScenario({
			title: "meta protocol hit path (100 in flight, bytes)",
			opsPerCall: N,
			ours: {
				name: "CacheOnStorage → MemcacheStorage (meta leases, default: plain get first)",
				fn: () => Promise.all(ids.map((id) => oursMeta.get(id))),
			},
			peers: [
				{
					name: "CacheOnStorage → MemcacheStorage (meta leases, plainHits: false: mg N5 per key)",
					fn: () => Promise.all(ids.map((id) => oursMetaMg.get(id))),
				},
				{
					name: "raw meta client get (coalesced)",
					fn: () => Promise.all(ids.map((id) => metaClient.get(`y:${id}`))),
				},
				{
					name: "raw meta client metaGet(key, { vivify: 5 }) (one mg each)",
					fn: () =>
						Promise.all(
							ids.map((id) => metaClient.metaGet(`y:${id}`, { vivify: 5 })),
						),
				},
				{
					name: "CacheOnStorage → MemcacheStorage (meta client, metaLease: false)",
					fn: () => Promise.all(ids.map((id) => oursMetaOff.get(id))),
				},
			],
		}),
	});

if (want("Multi-get of 100 keys (keys/s)"))
	results.push({
		title: "Multi-get of 100 keys (keys/s)",
		rows: await runScenario({
			title: "multi-get 100 keys",
			opsPerCall: N,
			ours: {
				name: "CacheOnStorage.getMulti → MemcacheStorage",
				fn: () => ours.getMulti(ids),
			},
			peers: [
				{
					name: "raw @godropbox-ts/memcache getMulti",
					fn: () => client.getMulti(ids.map((id) => `b:${id}`)),
				},
				{
					name: "raw @godropbox-ts/memcache getMulti + JSON decode",
					fn: () =>
						client.getMulti(ids.map((id) => `b:${id}`)).then((m) => {
							const out: unknown[] = [];
							for (const r of m.values()) out.push(decode(r));
							return out;
						}),
				},
				{
					name: "bentocache L2 (Redis), 100 gets",
					fn: () => Promise.all(ids.map((key) => bentoL2.get({ key }))),
				},
				{
					name: "bentocache L1 memory + L2 Redis, 100 gets",
					fn: () => Promise.all(ids.map((key) => bentoTiered.get({ key }))),
				},
				{ name: "cache-manager (memory) mget", fn: () => cm.mget(ids) },
			],
		}),
	});

if (want("In-process hit path: CacheOnStorage over LocalMapStorage"))
	results.push({
		title: "In-process hit path: CacheOnStorage over LocalMapStorage",
		rows: await runScenario({
			title: "in-process hit",
			ours: {
				name: "CacheOnStorage → LocalMapStorage",
				fn: () => local.get(next()),
			},
			peers: [
				{
					name: "bentocache L1 memory + L2 Redis",
					fn: () => bentoTiered.get({ key: next() }),
				},
				{ name: "cache-manager (memory)", fn: () => cm.get(next()) },
			],
		}),
	});

const md = benchMarkdown(
	`@godropbox-ts/caching (Node ${process.version}, ${process.platform}/${process.arch})`,
	results,
);
console.log(`\n${md}`);
// A partial run (BENCH_ONLY) must not replace the full report.
if (only.length === 0) writeBenchReport(md);

await bentoL2.disconnect();
await bentoTiered.disconnect();
redis.disconnect();
await client.close();
await metaClient.close();
await ns.drop();
await cluster.stop();
