/**
 * The godropbox caching test scenarios (spec §8, 1–37), with the Go defects fixed as the spec
 * and issue decide. Numbers refer to the spec's list.
 */
import { describe, expect, it } from "vitest";
import {
	CacheOnStorage,
	GenericStorage,
	keyOfProperty,
	LocalMapStorage,
	NotImplementedError,
	newRateLimitedStorage,
	RateLimitedStorage,
	type Storage,
} from "../../src/index.js";
import { type Item, item, keyOf } from "../helpers/items.js";
import { RecordingStorage } from "../helpers/recording-storage.js";

const newMap = (): LocalMapStorage<string, Item> =>
	new LocalMapStorage<string, Item>({ keyOf });

describe("LocalMapStorage (1–7, 37)", () => {
	it("1. get returns an inserted item", async () => {
		const m = newMap();
		await m.set(item("foo", 1));
		expect(await m.get("foo")).toEqual(item("foo", 1));
	});
	it("2. getMulti(foo, zzz, bar) → foo, undefined, bar", async () => {
		const m = newMap();
		await m.setMulti([item("foo", 1), item("bar", 2)]);
		expect(await m.getMulti(["foo", "zzz", "bar"])).toEqual([
			item("foo", 1),
			undefined,
			item("bar", 2),
		]);
	});
	it("3–4. set/get and setMulti/getMulti", async () => {
		const m = newMap();
		await m.set(item("x", 7));
		expect(await m.get("x")).toEqual(item("x", 7));
		await m.setMulti([item("foo", 1), item("bar", 2)]);
		expect(await m.getMulti(["foo", "bar"])).toEqual([
			item("foo", 1),
			item("bar", 2),
		]);
	});
	it("5–6. delete / deleteMulti", async () => {
		const m = newMap();
		await m.setMulti([item("foo", 1), item("bar", 2), item("zzz", 3)]);
		await m.delete("foo");
		expect(await m.getMulti(["foo", "bar"])).toEqual([
			undefined,
			item("bar", 2),
		]);
		await m.deleteMulti(["foo", "zzz"]);
		expect(await m.getMulti(["foo", "bar", "zzz"])).toEqual([
			undefined,
			item("bar", 2),
			undefined,
		]);
	});
	it("7. flush leaves the map empty", async () => {
		const m = newMap();
		await m.setMulti([item("foo", 1), item("bar", 2)]);
		await m.flush();
		expect(m.size).toBe(0);
		expect(await m.get("foo")).toBeUndefined();
	});
	it("37. delete of a missing key succeeds; set overwrites; items are stored by reference", async () => {
		const m = newMap();
		await m.delete("nope");
		const a = item("a", 1);
		await m.set(a);
		await m.set(item("a", 2));
		expect((await m.get("a"))?.val).toBe(2);
		const b = item("b", 1);
		await m.set(b);
		b.val = 5;
		expect((await m.get("b"))?.val).toBe(5);
	});
	it("bad keys reject with ERR_CACHING_INVALID_KEY instead of panicking", async () => {
		const m = new LocalMapStorage<unknown, Item>({ keyOf });
		await expect(m.get({})).rejects.toMatchObject({
			code: "ERR_CACHING_INVALID_KEY",
		});
		const typed = new LocalMapStorage<string, Item>({
			keyOf: keyOfProperty<Item, "key">("key"),
		});
		await expect(typed.set(undefined as unknown as Item)).rejects.toMatchObject(
			{
				code: "ERR_CACHING_INVALID_KEY",
			},
		);
	});
});

function multiOnly(): {
	m: LocalMapStorage<string, Item>;
	g: GenericStorage<string, Item>;
} {
	const m = newMap();
	const g = new GenericStorage<string, Item>("multi-only", {
		getMulti: (keys) => m.getMulti(keys),
		setMulti: (items) => m.setMulti(items),
		deleteMulti: (keys) => m.deleteMulti(keys),
		errorOnFlush: true,
	});
	return { m, g };
}

describe("GenericStorage over multi functions only (8–14)", () => {
	it("8–9. get through getMulti; getMulti order", async () => {
		const { m, g } = multiOnly();
		await m.setMulti([item("foo", 1), item("bar", 2)]);
		expect(await g.get("foo")).toEqual(item("foo", 1));
		expect(await g.getMulti(["foo", "zzz", "bar"])).toEqual([
			item("foo", 1),
			undefined,
			item("bar", 2),
		]);
	});
	it("10–11. set through setMulti; setMulti", async () => {
		const { g } = multiOnly();
		await g.set(item("foo", 1));
		expect(await g.get("foo")).toEqual(item("foo", 1));
		await g.setMulti([item("a", 1), item("b", 2)]);
		expect(await g.getMulti(["a", "b"])).toEqual([item("a", 1), item("b", 2)]);
	});
	it("12–13. delete through deleteMulti; deleteMulti", async () => {
		const { g } = multiOnly();
		await g.setMulti([item("foo", 1), item("bar", 2), item("zzz", 3)]);
		await g.delete("foo");
		expect(await g.getMulti(["foo", "bar"])).toEqual([
			undefined,
			item("bar", 2),
		]);
		await g.deleteMulti(["bar", "zzz"]);
		expect(await g.getMulti(["bar", "zzz"])).toEqual([undefined, undefined]);
	});
	it("14. flush fails with errorOnFlush and nothing is flushed", async () => {
		const { m, g } = multiOnly();
		await g.setMulti([item("foo", 1), item("bar", 2), item("zzz", 3)]);
		await expect(g.flush()).rejects.toThrow(
			"'multi-only' does not support Flush",
		);
		expect(m.size).toBe(3);
	});
});

describe("GenericStorage dispatch (31–34)", () => {
	it("31. no functions: godropbox's messages; flush without a function succeeds", async () => {
		const g = new GenericStorage<string, Item>("empty");
		for (const [p, msg] of [
			[g.get("a"), "'empty' does not have Get/GetMulti implementation"],
			[g.getMulti([]), "'empty' does not have Get/GetMulti implementation"],
			[
				g.set(item("a", 1)),
				"'empty' does not have Set/SetMulti implementation",
			],
			[g.setMulti([]), "'empty' does not have Set/SetMulti implementation"],
			[
				g.delete("a"),
				"'empty' does not have Delete/DeleteMulti implementation",
			],
			[
				g.deleteMulti(["a"]),
				"'empty' does not have Delete/DeleteMulti implementation",
			],
		] as const) {
			const err = await p.then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(err).toBeInstanceOf(NotImplementedError);
			expect(err).toMatchObject({
				code: "ERR_CACHING_NOT_IMPLEMENTED",
				message: msg,
			});
		}
		await expect(g.flush()).resolves.toBeUndefined();
	});
	it("32. errorOnFlush wins over a flush function, which is not called", async () => {
		let called = 0;
		const g = new GenericStorage<string, Item>("f", {
			errorOnFlush: true,
			flush: () => {
				called++;
			},
		});
		await expect(g.flush()).rejects.toMatchObject({
			code: "ERR_CACHING_NOT_IMPLEMENTED",
		});
		expect(called).toBe(0);
	});
	it("33. single functions only: multi ops call them in order and stop at the first error", async () => {
		const seen: string[] = [];
		const g = new GenericStorage<string, Item>("single", {
			get: (k) => {
				seen.push(`get ${k}`);
				if (k === "bad") throw new Error("boom");
				return item(k, 1);
			},
			set: (it) => {
				seen.push(`set ${it.key}`);
				if (it.key === "bad") throw new Error("boom");
			},
		});
		await expect(g.getMulti(["a", "bad", "c"])).rejects.toThrow("boom");
		await expect(
			g.setMulti([item("x", 1), item("bad", 2), item("y", 3)]),
		).rejects.toThrow("boom");
		expect(seen).toEqual(["get a", "get bad", "set x", "set bad"]);
		expect(await g.getMulti(["p", "q"])).toEqual([item("p", 1), item("q", 1)]);
	});
	it("34. both single and multi: each op uses its own function", async () => {
		const seen: string[] = [];
		const g = new GenericStorage<string, Item>("both", {
			get: (k) => {
				seen.push("get");
				return item(k, 1);
			},
			getMulti: (ks) => {
				seen.push("getMulti");
				return ks.map((k) => item(k, 2));
			},
			delete: () => {
				seen.push("delete");
			},
			deleteMulti: () => {
				seen.push("deleteMulti");
			},
		});
		await g.get("a");
		await g.getMulti(["a"]);
		await g.delete("a");
		await g.deleteMulti(["a"]);
		expect(seen).toEqual(["get", "getMulti", "delete", "deleteMulti"]);
	});
	it("get through a getMulti that returns no slot is a typed error, not a crash", async () => {
		const g = new GenericStorage<string, Item>("short", { getMulti: () => [] });
		await expect(g.get("a")).rejects.toMatchObject({
			code: "ERR_CACHING_BAD_RESULT",
		});
	});
	it("the lock keeps writes exclusive of reads, as godropbox's RWMutex", async () => {
		let active = 0;
		let sawOverlap = false;
		const step = async (): Promise<void> => {
			active++;
			if (active > 1) sawOverlap = true;
			await new Promise((r) => setTimeout(r, 2));
			active--;
		};
		const g = new GenericStorage<string, Item>("locked", {
			get: async () => {
				await new Promise((r) => setTimeout(r, 2));
				return undefined;
			},
			set: step,
			delete: step,
		});
		await Promise.all([
			g.set(item("a", 1)),
			g.get("a"),
			g.delete("a"),
			g.set(item("b", 1)),
		]);
		expect(sawOverlap).toBe(false);
	});
});

describe("CacheOnStorage (15–30)", () => {
	function layers(): {
		cache: RecordingStorage;
		storage: RecordingStorage;
		c: CacheOnStorage<string, Item>;
	} {
		const cache = new RecordingStorage();
		const storage = new RecordingStorage();
		// RecordingStorage has no fill guard: this exercises the plain set/delete path.
		const c = new CacheOnStorage<string, Item>(cache, storage, { keyOf });
		return { cache, storage, c };
	}

	it("15. a cache hit wins over the storage", async () => {
		const { cache, storage, c } = layers();
		await cache.map.set(item("foo", 1));
		await storage.map.set(item("foo", 10));
		expect(await c.get("foo")).toEqual(item("foo", 1));
		expect(storage.count("get")).toBe(0);
	});
	it("16. a storage-only key is returned and filled into the cache", async () => {
		const { cache, storage, c } = layers();
		await storage.map.set(item("foo", 10));
		expect(await c.get("foo")).toEqual(item("foo", 10));
		expect(await cache.map.get("foo")).toEqual(item("foo", 10));
	});
	it("17. getMulti mixes cached, stored and missing keys", async () => {
		const { cache, storage, c } = layers();
		await cache.map.set(item("zzz", 1));
		await storage.map.setMulti([item("zzz", 123), item("foo", 10)]);
		expect(await c.getMulti(["foo", "bar", "zzz"])).toEqual([
			item("foo", 10),
			undefined,
			item("zzz", 1),
		]);
		expect(await cache.map.get("foo")).toEqual(item("foo", 10));
		expect(await cache.map.get("bar")).toBeUndefined();
	});
	it("18–19. set/setMulti write the storage and invalidate the cache (default policy)", async () => {
		const { cache, storage, c } = layers();
		await cache.map.set(item("foo", 0));
		await c.set(item("foo", 1));
		await c.setMulti([item("bar", 2), item("baz", 3)]);
		expect(await storage.map.getMulti(["foo", "bar", "baz"])).toEqual([
			item("foo", 1),
			item("bar", 2),
			item("baz", 3),
		]);
		expect(await cache.map.get("foo")).toBeUndefined();
		expect(await c.get("foo")).toEqual(item("foo", 1));
	});
	it("18–19 (write-through). set/setMulti write both layers, as godropbox does", async () => {
		const cache = new RecordingStorage();
		const storage = new RecordingStorage();
		const c = new CacheOnStorage<string, Item>(cache, storage, {
			keyOf,
			writePolicy: "write-through",
		});
		await c.set(item("foo", 1));
		await c.setMulti([item("foo", 2), item("bar", 2)]);
		for (const layer of [cache, storage])
			expect(await layer.map.getMulti(["foo", "bar"])).toEqual([
				item("foo", 2),
				item("bar", 2),
			]);
	});
	it("20–21. delete/deleteMulti remove from both layers", async () => {
		const { cache, storage, c } = layers();
		for (const layer of [cache, storage])
			await layer.map.setMulti([
				item("foo", 1),
				item("bar", 2),
				item("zzz", 3),
			]);
		await c.delete("foo");
		await c.deleteMulti(["zzz", "nope"]);
		for (const layer of [cache, storage])
			expect(await layer.map.getMulti(["foo", "bar", "zzz"])).toEqual([
				undefined,
				item("bar", 2),
				undefined,
			]);
	});
	it("22. flush empties both layers", async () => {
		const { cache, storage, c } = layers();
		for (const layer of [cache, storage]) await layer.map.set(item("foo", 1));
		await c.flush();
		expect(cache.map.size + storage.map.size).toBe(0);
	});
	it("23. a failing cache.get falls back to the storage (strict: fails without a storage read)", async () => {
		const { cache, storage, c } = layers();
		await storage.map.set(item("foo", 10));
		cache.failing.add("get");
		expect(await c.get("foo")).toEqual(item("foo", 10));
		expect(c.stats.errors).toBe(1);
		const strict = new CacheOnStorage<string, Item>(cache, storage, {
			keyOf,
			strict: true,
		});
		const before = storage.count("get");
		await expect(strict.get("foo")).rejects.toMatchObject({
			code: "ERR_CACHING_CACHE_FAILED",
			operation: "get",
		});
		expect(storage.count("get")).toBe(before);
	});
	it("24. a failing storage.get rejects with its error and writes nothing to the cache", async () => {
		const { cache, storage, c } = layers();
		storage.failing.add("get");
		await expect(c.get("foo")).rejects.toThrow("get failed");
		expect(cache.count("set") + cache.count("setMulti")).toBe(0);
	});
	it("25. a failing fill: the value is still returned (strict: the cache error)", async () => {
		const { cache, storage, c } = layers();
		await storage.map.set(item("foo", 10));
		cache.failing.add("set");
		expect(await c.get("foo")).toEqual(item("foo", 10));
		expect(c.stats).toMatchObject({ errors: 1, fills: 0 });
		const strict = new CacheOnStorage<string, Item>(cache, storage, {
			keyOf,
			strict: true,
		});
		await expect(strict.get("foo")).rejects.toMatchObject({
			code: "ERR_CACHING_CACHE_FAILED",
		});
	});
	it("26. a key missing everywhere is not written into the cache", async () => {
		const { cache, c } = layers();
		expect(await c.get("nope")).toBeUndefined();
		expect(cache.calls).toEqual(["get(nope)"]);
	});
	it("27. getMulti with every key cached does not call the storage; zero keys call nobody", async () => {
		const { cache, storage, c } = layers();
		await cache.map.setMulti([item("a", 1), item("b", 2)]);
		expect(await c.getMulti(["a", "b"])).toEqual([item("a", 1), item("b", 2)]);
		expect(await c.getMulti([])).toEqual([]);
		expect(storage.calls).toEqual([]);
		expect(cache.calls).toEqual(["getMulti(a,b)"]);
	});
	it("28. duplicate keys: a slot per occurrence, one storage read and one fill per key", async () => {
		const { cache, storage, c } = layers();
		await storage.map.set(item("a", 1));
		await cache.map.set(item("b", 2));
		expect(await c.getMulti(["a", "b", "z", "a"])).toEqual([
			item("a", 1),
			item("b", 2),
			undefined,
			item("a", 1),
		]);
		expect(storage.calls).toEqual(["getMulti(a,z)"]);
		expect(cache.calls).toEqual(["getMulti(a,b,z,a)", "set(a)"]);
	});
	it("29. getMulti errors: storage read and (strict) cache read/fill each reject", async () => {
		const { cache, storage, c } = layers();
		await storage.map.setMulti([item("a", 1), item("b", 2)]);
		storage.failing.add("getMulti");
		await expect(c.getMulti(["a", "b"])).rejects.toThrow("getMulti failed");
		storage.failing.clear();
		const strict = new CacheOnStorage<string, Item>(cache, storage, {
			keyOf,
			strict: true,
		});
		cache.failing.add("getMulti");
		await expect(strict.getMulti(["a", "b"])).rejects.toMatchObject({
			code: "ERR_CACHING_CACHE_FAILED",
			operation: "getMulti",
		});
		cache.failing.clear();
		cache.failing.add("setMulti");
		await expect(strict.getMulti(["a", "b"])).rejects.toMatchObject({
			code: "ERR_CACHING_CACHE_FAILED",
			operation: "fill",
		});
		// Non-strict: a failing cache read falls back and still returns every slot.
		cache.failing.add("getMulti");
		expect(await c.getMulti(["a", "b"])).toEqual([item("a", 1), item("b", 2)]);
	});
	it("30. writes: storage first; storage error → cache invalidated, error returned", async () => {
		const { cache, storage, c } = layers();
		await cache.map.set(item("foo", 0));
		storage.failing.add("set");
		await expect(c.set(item("foo", 1))).rejects.toThrow("set failed");
		expect(storage.calls[0]).toBe("set(foo)");
		// The write may have been applied (a timeout after commit): the cache must not keep the old value.
		expect(await cache.map.get("foo")).toBeUndefined();
	});
	it("30. writes: cache error after storage success → entry removed or InvalidationFailedError", async () => {
		const cache = new RecordingStorage();
		const storage = new RecordingStorage();
		const wt = new CacheOnStorage<string, Item>(cache, storage, {
			keyOf,
			writePolicy: "write-through",
		});
		await cache.map.set(item("foo", 0));
		cache.failing.add("set");
		await wt.set(item("foo", 1));
		// write-through failed, so the entry was deleted instead: no stale foo=0.
		expect(await cache.map.get("foo")).toBeUndefined();
		cache.failing.add("delete");
		await cache.map.set(item("foo", 0));
		await expect(wt.set(item("foo", 2))).rejects.toMatchObject({
			code: "ERR_CACHING_INVALIDATION_FAILED",
			keys: ["foo"],
		});
		expect(await storage.map.get("foo")).toEqual(item("foo", 2));
		const inv = new CacheOnStorage<string, Item>(cache, storage, { keyOf });
		await expect(inv.delete("foo")).rejects.toMatchObject({
			code: "ERR_CACHING_INVALIDATION_FAILED",
		});
		expect(await storage.map.get("foo")).toBeUndefined();
	});
});

describe("RateLimitedStorage (35–36)", () => {
	it("35. maxConcurrency < 1 returns the wrapped storage itself", () => {
		const m = newMap();
		expect(newRateLimitedStorage(m, 0)).toBe(m);
		expect(newRateLimitedStorage(m, -3)).toBe(m);
		expect(newRateLimitedStorage(m, 2)).toBeInstanceOf(RateLimitedStorage);
	});
	it("36. multi operations pass the keys through (the Go code passed the list as one key)", async () => {
		const inner = new RecordingStorage();
		const r: Storage<string, Item> = new RateLimitedStorage(inner, {
			maxConcurrency: 1,
		});
		await r.setMulti([item("a", 1), item("b", 2)]);
		expect(await r.getMulti(["a", "b"])).toEqual([item("a", 1), item("b", 2)]);
		await r.deleteMulti(["a", "b"]);
		expect(inner.calls).toEqual([
			"setMulti(a,b)",
			"getMulti(a,b)",
			"deleteMulti(a,b)",
		]);
		expect(await r.getMulti(["a", "b"])).toEqual([undefined, undefined]);
	});
});
