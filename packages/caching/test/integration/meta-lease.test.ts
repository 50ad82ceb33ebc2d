/**
 * CacheOnStorage on memcached's meta-protocol leases (real memcached + real MariaDB):
 * - one storage read per cold key across instances (own clients = separate processes as far
 *   as memcached can tell; the two-process test spawns real ones);
 * - a write during an in-flight fill: the older fill stores nothing (deterministic gate);
 * - stale serving within `staleGrace`, then the fresh value after the refresh;
 * - the control: the same interleaving without meta leases and without tombstones stores
 *   the stale value (so the tests above can fail).
 */
import {
	createClient,
	RawBinaryClient,
	RawMetaClient,
	type ShardedClient,
} from "@godropbox-ts/memcache";
import { requireServers, startMemcached } from "@godropbox-ts/test-utils";
import { describe, expect, it } from "vitest";
import {
	CacheOnStorage,
	type CacheOnStorageOptions,
	isMetaLeaseStorage,
	MemcacheStorage,
	type Storage,
} from "../../src/index.js";
import { storageConformanceSuite } from "../helpers/conformance.js";
import { GatedStorage } from "../helpers/gated-storage.js";
import { InstrumentedStorage } from "../helpers/instrumented-storage.js";
import { type Item, item, keyOf } from "../helpers/items.js";
import { useMemcachedAndItemsDb } from "../helpers/memcached-and-items-db.js";
import { itemsStorage } from "../helpers/sql-tables.js";

const ok = await requireServers("memcached", "mysql");

describe.skipIf(!ok)("CacheOnStorage with meta leases", () => {
	const env = useMemcachedAndItemsDb(2, "caching_meta");
	const closers = env.closers;

	function metaClient(): ShardedClient {
		const client = createClient({
			servers: env.cluster.addresses,
			protocol: "meta",
		});
		closers.push(() => client.close());
		return client;
	}

	function cacheOf(prefix: string, client = metaClient()) {
		return new MemcacheStorage<string, Item>(client, {
			keyOf,
			prefix,
			ttl: 60_000,
		});
	}

	function instance(
		prefix: string,
		storage: Storage<string, Item>,
		extra: Partial<CacheOnStorageOptions<string, Item>> = {},
	): CacheOnStorage<string, Item> {
		return new CacheOnStorage(cacheOf(prefix), storage, { keyOf, ...extra });
	}

	storageConformanceSuite(
		"MemcacheStorage (meta, sharded createClient)",
		async () => ({
			storage: new MemcacheStorage<string, Item>(metaClient(), {
				keyOf,
				prefix: "mc:",
			}),
			ttl: { ttlMs: 1000, waitMs: 2100 },
		}),
	);

	storageConformanceSuite("MemcacheStorage (RawMetaClient)", async () => {
		const client = new RawMetaClient({
			address: env.cluster.addresses[1] as string,
		});
		closers.push(() => client.close());
		return {
			storage: new MemcacheStorage<string, Item>(client, {
				keyOf,
				prefix: "rm:",
			}),
		};
	});

	it("detection: meta clients make a MetaLeaseStorage, binary ones do not; metaLease: false opts out", () => {
		const bin = new RawBinaryClient({
			address: env.cluster.addresses[0] as string,
		});
		closers.push(() => bin.close());
		const db = itemsStorage(env.knex);
		expect(isMetaLeaseStorage(cacheOf("d:"))).toBe(true);
		expect(
			isMetaLeaseStorage(new MemcacheStorage<string, Item>(bin, { keyOf })),
		).toBe(false);
		expect(
			isMetaLeaseStorage(
				new MemcacheStorage<string, Item>(metaClient(), {
					keyOf,
					metaLeases: false,
				}),
			),
		).toBe(false);
		expect(instance("d:", db).metaLeases).toBe(true);
		expect(instance("d:", db, { metaLease: false }).metaLeases).toBe(false);
		expect(() => instance("d:", db, { metaLease: { poll: 0 } })).toThrow(
			/metaLease.poll/,
		);
		expect(() => instance("d:", db, { metaLease: { staleGrace: -1 } })).toThrow(
			/metaLease.staleGrace/,
		);
	});

	it("binary fast hit path: an undecodable cached value is a cache failure (fallback; strict rejects)", async () => {
		const bin = new RawBinaryClient({
			address: env.cluster.addresses[0] as string,
		});
		closers.push(() => bin.close());
		await bin.set({ key: "fp:alien", value: Buffer.from("x"), flags: 0 });
		await itemsStorage(env.knex).set(item("alien", 9));
		const cache = new MemcacheStorage<string, Item>(bin, {
			keyOf,
			prefix: "fp:",
		});
		const c = new CacheOnStorage(cache, itemsStorage(env.knex), { keyOf });
		expect(c.metaLeases).toBe(false);
		expect((await c.get("alien"))?.val).toBe(9);
		expect(c.stats).toMatchObject({ cacheErrors: 1, loads: 1 });
		const strict = new CacheOnStorage(cache, itemsStorage(env.knex), {
			keyOf,
			strict: true,
		});
		await bin.set({ key: "fp:alien", value: Buffer.from("x"), flags: 0 });
		await expect(strict.get("alien")).rejects.toMatchObject({
			code: "ERR_CACHING_CACHE_FAILED",
		});
		await cache.close();
		expect((await c.get("alien"))?.val).toBe(9); // closed cache: a cache failure too
	});

	it("stampede: 150 concurrent gets in each of two instances → one storage read in total", async () => {
		await itemsStorage(env.knex).set(item("cold", 11));
		const shared = new InstrumentedStorage(
			itemsStorage(env.knex),
			40,
			() => 0.99,
		);
		const [a, b] = [1, 2].map(() => instance("st:", shared)) as [
			CacheOnStorage<string, Item>,
			CacheOnStorage<string, Item>,
		];
		// Connect both clients first, so that neither instance's gets arrive after the fill.
		await Promise.all([a.get("warm"), b.get("warm")]);
		shared.reads = 0;
		const before = [a.stats, b.stats];
		const got = await Promise.all(
			[a, b].flatMap((c) => Array.from({ length: 150 }, () => c.get("cold"))),
		);
		expect(got.every((g) => g?.val === 11)).toBe(true);
		expect(shared.reads).toBe(1);
		const d = (k: "leaseWins" | "fills" | "leaseTimeouts" | "leaseWaits") =>
			a.stats[k] + b.stats[k] - (before[0]?.[k] ?? 0) - (before[1]?.[k] ?? 0);
		expect({ wins: d("leaseWins"), fills: d("fills") }).toEqual({
			wins: 1,
			fills: 1,
		});
		expect(d("leaseTimeouts")).toBe(0);
		// The losing instance waited with one poller (the rest coalesced in-process). The winner
		// may have one too: its client spreads gets over several connections, so a Z can be
		// processed before its own W (a winner always loads, the poller then sees the fill).
		expect(d("leaseWaits")).toBeLessThanOrEqual(2);
		// Warm: hits only.
		await Promise.all([a.get("cold"), b.get("cold")]);
		expect(shared.reads).toBe(1);
	});

	it("getMulti stampede: two instances × 10 concurrent 40-key multi-gets read each cold key once", async () => {
		const keys = Array.from({ length: 40 }, (_, i) => `gmk${i}`);
		await itemsStorage(env.knex).setMulti(keys.map((k, i) => item(k, i)));
		const shared = new InstrumentedStorage(
			itemsStorage(env.knex),
			40,
			() => 0.99,
		);
		const cs = [1, 2].map(() => instance("gm:", shared));
		const results = await Promise.all(
			cs.flatMap((c) => Array.from({ length: 10 }, () => c.getMulti(keys))),
		);
		for (const r of results)
			expect(r.map((x) => x?.val)).toEqual(keys.map((_, i) => i));
		expect(shared.keysRead).toBe(40);
	});

	it("a write during an in-flight fill: the older fill stores nothing (delete and set, both grace settings)", async () => {
		for (const [n, staleGrace] of [
			[0, 0],
			[1, 3000],
		] as const) {
			const key = `inflight${n}`;
			const db = itemsStorage(env.knex);
			await db.set(item(key, 1));
			const gated = new GatedStorage(db);
			const reader = instance("wf:", gated, { metaLease: { staleGrace } });
			const writer = instance("wf:", db, { metaLease: { staleGrace } });
			const cache = cacheOf("wf:");
			gated.close();
			const pending = reader.get(key);
			await gated.entered; // the reader has read val 1 from MariaDB; its fill is held
			await writer.set(item(key, 2)); // UPSERT + invalidate (another "process")
			gated.open();
			expect((await pending)?.val).toBe(1); // what it read, returned but not cached
			expect(reader.stats).toMatchObject({
				leaseWins: 1,
				fills: 0,
				fillsSkipped: 1,
			});
			// The cache does not hold the old value: the next read gets 2.
			expect((await cache.get(key))?.val).not.toBe(1);
			expect((await writer.get(key))?.val).toBe(2);
			expect((await reader.get(key))?.val).toBe(2);
			// And a delete during a fill of a row that is then gone.
			gated.close();
			const p2 = reader.get(`${key}b`);
			await db.set(item(`${key}b`, 5));
			await gated.entered;
			await writer.delete(`${key}b`);
			gated.open();
			await p2;
			expect(await writer.get(`${key}b`)).toBeUndefined();
		}
	});

	it("write-through on the meta path: the written item is cached and an older fill cannot replace it", async () => {
		const db = itemsStorage(env.knex);
		await db.set(item("wt", 1));
		const gated = new GatedStorage(db);
		const reader = instance("wt:", gated);
		const writer = instance("wt:", db, { writePolicy: "write-through" });
		gated.close();
		const pending = reader.get("wt");
		await gated.entered;
		await writer.set(item("wt", 2)); // UPSERT, then a plain set: the CAS changes
		gated.open();
		expect((await pending)?.val).toBe(1);
		expect(reader.stats.fillsSkipped).toBe(1);
		expect((await cacheOf("wt:").get("wt"))?.val).toBe(2);
		expect((await reader.get("wt"))?.val).toBe(2);
	});

	it("control: without meta leases and without tombstones the same interleaving stores the old value", async () => {
		const db = itemsStorage(env.knex);
		await db.set(item("ctl", 1));
		const gated = new GatedStorage(db);
		const plain = { metaLease: false, tombstoneTtl: 0 } as const;
		const reader = instance("ctl:", gated, plain);
		const writer = instance("ctl:", db, plain);
		gated.close();
		const pending = reader.get("ctl");
		await gated.entered;
		await writer.set(item("ctl", 2));
		gated.open();
		await pending;
		expect((await writer.get("ctl"))?.val).toBe(1); // stale: the race the meta path closes
	});

	it("stale serving within staleGrace, then the fresh value after the refresh", async () => {
		const db = itemsStorage(env.knex);
		await db.set(item("swr", 1));
		const gated = new GatedStorage(db);
		const opts = { metaLease: { staleGrace: 5000 } };
		const refresher = instance("swr:", gated, opts);
		const other = instance("swr:", db, opts);
		const writer = instance("swr:", db, opts);
		expect((await other.get("swr"))?.val).toBe(1); // filled
		await writer.set(item("swr", 2)); // md I T5: marked stale, kept
		gated.close();
		const refreshing = refresher.get("swr"); // X + W: reads MariaDB, fill held
		await gated.entered;
		// Another reader within the grace period: X + Z → the old value at once.
		const during = await Promise.all(
			Array.from({ length: 20 }, () => other.get("swr")),
		);
		expect(during.every((g) => g?.val === 1)).toBe(true);
		expect(other.stats.staleServed).toBe(20);
		// The writer's own instance reads its write: it waits for the refresh, no stale value.
		const own = writer.get("swr");
		await new Promise((r) => setTimeout(r, 30));
		gated.open();
		expect((await refreshing)?.val).toBe(2);
		expect((await own)?.val).toBe(2);
		expect(writer.stats.staleServed).toBe(0);
		expect(refresher.stats).toMatchObject({ leaseWins: 1, fills: 1 });
		const after = await other.get("swr");
		expect(after?.val).toBe(2);
		expect(other.stats.staleServed).toBe(20);
	});

	it("without staleGrace, lease losers wait for the fill instead of serving the old value", async () => {
		const db = itemsStorage(env.knex);
		await db.set(item("nostale", 1));
		const gated = new GatedStorage(db);
		const refresher = instance("ns:", gated);
		const other = instance("ns:", db);
		expect((await other.get("nostale"))?.val).toBe(1);
		await other.set(item("nostale", 2)); // plain md
		gated.close();
		const refreshing = refresher.get("nostale");
		await gated.entered;
		const waiting = other.get("nostale");
		await new Promise((r) => setTimeout(r, 50));
		gated.open();
		expect((await refreshing)?.val).toBe(2);
		expect((await waiting)?.val).toBe(2);
		expect(other.stats).toMatchObject({ staleServed: 0, leaseWaits: 1 });
	});

	it("a winner that finds no row releases its lease: the next reader does not wait it out", async () => {
		const db = new InstrumentedStorage(itemsStorage(env.knex));
		const a = instance("nr:", db, { metaLease: { wait: 5000 } });
		const b = instance("nr:", db, { metaLease: { wait: 5000 } });
		expect(await a.get("absent")).toBeUndefined();
		const started = Date.now();
		expect(await b.get("absent")).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(4000);
		expect(b.stats.leaseTimeouts).toBe(0);
		expect(db.reads).toBe(2);
	});

	it("a winner whose load a local write invalidated releases its stub: the next reader does not wait it out", async () => {
		// The write's own delete can reach memcached *before* the winner's `mg` created the stub
		// (they travel on different pooled connections), so the stub outlives the invalidation.
		// That ordering is reproduced by a cache whose invalidating deletes are dropped.
		class LateDelete extends MemcacheStorage<string, Item> {
			override async leaseInvalidate(): Promise<void> {}
		}
		const db = itemsStorage(env.knex);
		await db.set(item("inv", 1));
		const gated = new GatedStorage(db);
		const a = new CacheOnStorage(
			new LateDelete(metaClient(), { keyOf, prefix: "li:", ttl: 60_000 }),
			gated,
			{ keyOf, metaLease: { wait: 5000 } },
		);
		const b = instance("li:", new InstrumentedStorage(db), {
			metaLease: { wait: 5000 },
		});
		gated.close();
		const pending = a.get("inv");
		await gated.entered; // `a` won the lease and read val 1; its fill is held
		await a.set(item("inv", 2)); // a local write: a's load is invalidated
		gated.open();
		expect((await pending)?.val).toBe(1);
		expect(a.stats).toMatchObject({ leaseWins: 1, fills: 0, fillsSkipped: 1 });
		const started = Date.now();
		expect((await b.get("inv"))?.val).toBe(2);
		expect(Date.now() - started).toBeLessThan(4000);
		expect(b.stats).toMatchObject({
			leaseWaits: 0,
			leaseTimeouts: 0,
			loads: 1,
		});
	});

	it("a crashed winner (a stub nobody fills) costs a waiter at most `wait`, then it reads and fills", async () => {
		const db = new InstrumentedStorage(itemsStorage(env.knex));
		await itemsStorage(env.knex).set(item("orphan", 3));
		const cache = cacheOf("or:");
		expect((await cache.leaseGet("orphan", 30_000)).state).toBe("win");
		const c = instance("or:", db, { metaLease: { wait: 150, poll: 20 } });
		expect((await c.get("orphan"))?.val).toBe(3);
		expect(c.stats).toMatchObject({
			leaseWaits: 1,
			leaseTimeouts: 1,
			loads: 1,
		});
		// Its fill presented the stub's CAS, which nobody changed: stored.
		expect(c.stats.fills).toBe(1);
		expect((await cache.leaseGet("orphan", 1000)).state).toBe("hit");
	});

	it("negative caching on the meta path stores the marker with the lease's CAS", async () => {
		const db = new InstrumentedStorage(itemsStorage(env.knex));
		const c = instance("neg:", db, {
			negativeCache: {
				ttl: 60_000,
				toItem: (key) => ({ key, val: -1 }),
				isNegative: (it) => it.val === -1,
			},
		});
		expect(await c.get("none")).toBeUndefined();
		expect(await c.get("none")).toBeUndefined();
		expect(db.reads).toBe(1);
		expect(c.stats).toMatchObject({ negativeHits: 1, fills: 1 });
	});

	it("a cache outage on the meta path falls back to the storage (strict fails)", async () => {
		const own = await startMemcached({ count: 1 });
		const client = createClient({
			servers: own.addresses,
			protocol: "meta",
			timeout: 300,
		});
		closers.push(() => client.close());
		const cache = new MemcacheStorage<string, Item>(client, { keyOf });
		await itemsStorage(env.knex).set(item("out", 4));
		const c = new CacheOnStorage(cache, itemsStorage(env.knex), { keyOf });
		const strict = new CacheOnStorage(cache, itemsStorage(env.knex), {
			keyOf,
			strict: true,
		});
		await own.stop();
		expect((await c.get("out"))?.val).toBe(4);
		expect((await c.getMulti(["out", "x"])).map((x) => x?.val)).toEqual([
			4,
			undefined,
		]);
		expect(c.stats.cacheErrors).toBeGreaterThanOrEqual(2);
		await expect(strict.get("out")).rejects.toMatchObject({
			code: "ERR_CACHING_CACHE_FAILED",
		});
	});
});
