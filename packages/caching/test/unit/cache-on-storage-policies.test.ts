import diagnostics from "node:diagnostics_channel";
import { describe, expect, it } from "vitest";
import { CacheOnStorage, LocalMapStorage } from "../../src/index.js";
import { type Item, item, keyOf } from "../helpers/items.js";
import { RecordingStorage } from "../helpers/recording-storage.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
	let resolve!: () => void;
	const promise = new Promise<void>((r) => {
		resolve = r;
	});
	return { promise, resolve };
}

describe("CacheOnStorage coalescing", () => {
	it("100 concurrent gets of a cold key cause exactly one storage load", async () => {
		const cache = new RecordingStorage();
		const storage = new RecordingStorage();
		await storage.map.set(item("hot", 42));
		storage.delayMs = 5;
		const c = new CacheOnStorage<string, Item>(cache, storage, { keyOf });
		const got = await Promise.all(
			Array.from({ length: 100 }, () => c.get("hot")),
		);
		expect(got.every((g) => g?.val === 42)).toBe(true);
		expect(storage.count("get")).toBe(1);
		expect(c.stats).toMatchObject({
			misses: 100,
			loads: 1,
			coalesced: 99,
			fills: 1,
		});
		expect(await c.get("hot")).toEqual(item("hot", 42));
		expect(c.stats.hits).toBe(1);
	});

	it("getMulti coalesces per key with gets and other getMultis in flight", async () => {
		const cache = new RecordingStorage();
		const storage = new RecordingStorage();
		await storage.map.setMulti([item("a", 1), item("b", 2), item("c", 3)]);
		const gate = deferred();
		storage.gate = gate.promise;
		const c = new CacheOnStorage<string, Item>(cache, storage, { keyOf });
		const p1 = c.get("a");
		const p2 = c.getMulti(["a", "b"]);
		const p3 = c.getMulti(["b", "c", "a"]);
		await new Promise((r) => setTimeout(r, 5));
		gate.resolve();
		expect(await p1).toEqual(item("a", 1));
		expect(await p2).toEqual([item("a", 1), item("b", 2)]);
		expect(await p3).toEqual([item("b", 2), item("c", 3), item("a", 1)]);
		// One storage read per key: a single key uses get, several use getMulti.
		expect(storage.calls).toEqual(["get(a)", "get(b)", "get(c)"]);
		expect(c.stats.coalesced).toBe(3);
	});

	it("a storage error reaches every waiter, and the next get retries", async () => {
		const cache = new RecordingStorage();
		const storage = new RecordingStorage();
		storage.failing.add("get");
		storage.delayMs = 5;
		const c = new CacheOnStorage<string, Item>(cache, storage, { keyOf });
		const results = await Promise.allSettled(
			Array.from({ length: 10 }, () => c.get("k")),
		);
		expect(results.every((r) => r.status === "rejected")).toBe(true);
		expect(storage.count("get")).toBe(1);
		storage.failing.clear();
		await storage.map.set(item("k", 1));
		expect(await c.get("k")).toEqual(item("k", 1));
		expect(c.inflight).toBe(0);
	});
});

describe("CacheOnStorage: no stale value after a successful write", () => {
	for (const guarded of [false, true]) {
		it(`a load that raced with a write does not fill the old value (${guarded ? "fill-guarded" : "plain"} cache)`, async () => {
			const storage = new RecordingStorage();
			await storage.map.set(item("k", 1));
			const gate = deferred();
			storage.gate = gate.promise;
			const cache = guarded
				? new LocalMapStorage<string, Item>({ keyOf })
				: new RecordingStorage();
			const c = new CacheOnStorage<string, Item>(cache, storage, { keyOf });
			const reading = c.get("k");
			await new Promise((r) => setTimeout(r, 2));
			// The reader has read k=1 and is held; a write of k=2 completes meanwhile.
			storage.gate = undefined;
			await c.set(item("k", 2));
			gate.resolve();
			expect((await reading)?.val).toBe(1);
			expect(await cache.get("k")).toBeUndefined();
			expect(c.stats.fillsSkipped).toBe(1);
			expect((await c.get("k"))?.val).toBe(2);
		});
	}

	it("a get after a completed write never joins the older load", async () => {
		const storage = new RecordingStorage();
		await storage.map.set(item("k", 1));
		const gate = deferred();
		storage.gate = gate.promise;
		const c = new CacheOnStorage<string, Item>(
			new RecordingStorage(),
			storage,
			{ keyOf },
		);
		const first = c.get("k");
		await new Promise((r) => setTimeout(r, 2));
		storage.gate = undefined;
		await c.set(item("k", 2));
		expect((await c.get("k"))?.val).toBe(2);
		gate.resolve();
		await first;
	});
});

describe("CacheOnStorage negative caching and TTLs", () => {
	const neg = {
		ttl: 1000,
		toItem: (key: string): Item => ({ key, val: -1 }),
		isNegative: (it: Item): boolean => it.val === -1,
	};

	it("opt-in negative caching stores a marker with its own TTL and serves it as a miss", async () => {
		let now = 0;
		const cache = new LocalMapStorage<string, Item>({ keyOf, now: () => now });
		const storage = new RecordingStorage();
		const c = new CacheOnStorage<string, Item>(cache, storage, {
			keyOf,
			negativeCache: neg,
		});
		expect(await c.get("ghost")).toBeUndefined();
		expect(await c.get("ghost")).toBeUndefined();
		expect(await c.getMulti(["ghost"])).toEqual([undefined]);
		expect(storage.count("get")).toBe(1);
		expect(c.stats).toMatchObject({ negativeHits: 2, hits: 2, misses: 1 });
		now = 1001;
		expect(await c.get("ghost")).toBeUndefined();
		expect(storage.count("get")).toBe(2);
		// A write replaces the marker.
		await c.set(item("ghost", 5));
		expect(await c.get("ghost")).toEqual(item("ghost", 5));
	});

	it("fills use the layer TTL minus jitter; set's ttl is passed to the storage", async () => {
		let now = 0;
		const cache = new LocalMapStorage<string, Item>({ keyOf, now: () => now });
		const storage = new LocalMapStorage<string, Item>({
			keyOf,
			now: () => now,
		});
		const c = new CacheOnStorage<string, Item>(cache, storage, {
			keyOf,
			ttl: 1000,
			ttlJitter: 0.5,
			random: () => 1,
		});
		await c.set(item("a", 1), { ttl: 10_000 });
		// The write left a tombstone (2 s by default): a read now is served but not cached.
		expect(await c.get("a")).toEqual(item("a", 1));
		expect(await cache.get("a")).toBeUndefined();
		now = 2000;
		expect(await c.get("a")).toEqual(item("a", 1));
		now = 2499;
		expect(await cache.get("a")).toEqual(item("a", 1));
		now = 2500;
		expect(await cache.get("a")).toBeUndefined();
		expect(await storage.get("a")).toEqual(item("a", 1));
		now = 10_000;
		expect(await storage.get("a")).toBeUndefined();
	});

	it("rejects bad options at construction", () => {
		const m = new LocalMapStorage<string, Item>({ keyOf });
		expect(() => new CacheOnStorage(m, m, { keyOf, ttl: -1 })).toThrow(/ttl/);
		expect(() => new CacheOnStorage(m, m, { keyOf, ttlJitter: 2 })).toThrow(
			/ttlJitter/,
		);
		expect(
			() =>
				new CacheOnStorage(m, m, {
					keyOf,
					writePolicy: "nope" as "invalidate",
				}),
		).toThrow(/writePolicy/);
		expect(
			() => new CacheOnStorage(m, m, { keyOf: undefined as never }),
		).toThrow(/keyOf/);
	});
});

describe("CacheOnStorage events", () => {
	it("publishes hit, miss, fill, invalidate and cache-error on godropbox-ts:caching:*", async () => {
		const seen: { channel: string; message: unknown }[] = [];
		const names = [
			"hit",
			"miss",
			"fill",
			"coalesced",
			"cache-error",
			"invalidate",
			"fill-skipped",
		];
		const handlers = names.map((n) => {
			const h = (message: unknown): void => {
				seen.push({ channel: n, message });
			};
			diagnostics.subscribe(`godropbox-ts:caching:${n}`, h);
			return [n, h] as const;
		});
		try {
			const cache = new RecordingStorage();
			const storage = new RecordingStorage();
			await storage.map.set(item("a", 1));
			const c = new CacheOnStorage<string, Item>(cache, storage, {
				keyOf,
				name: "ev",
			});
			await c.get("a");
			await c.get("a");
			await c.delete("a");
			cache.failing.add("get");
			await c.get("a");
			expect(seen.map((s) => s.channel)).toEqual([
				"miss",
				"fill",
				"hit",
				"invalidate",
				"cache-error",
				"miss",
			]);
			expect(seen[0]?.message).toEqual({ name: "ev", keys: 1 });
			expect(seen[4]?.message).toMatchObject({ name: "ev", operation: "get" });
		} finally {
			for (const [n, h] of handlers)
				diagnostics.unsubscribe(`godropbox-ts:caching:${n}`, h);
		}
	});
});
