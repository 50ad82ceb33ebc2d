import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { isFillGuardedStorage, type Storage } from "../../src/index.js";
import { type Item, item } from "./items.js";

/** What a storage under test provides to {@link storageConformanceSuite}. */
export interface ConformanceTarget {
	readonly storage: Storage<string, Item>;
	/** Closes whatever the factory opened. */
	readonly close?: (() => Promise<void>) | undefined;
	/**
	 * Smallest TTL (ms) the storage honours and how long to wait for it to expire; undefined
	 * when the storage does not expire items (SQL).
	 */
	readonly ttl?:
		| { readonly ttlMs: number; readonly waitMs: number }
		| undefined;
}

/**
 * The one contract every storage passes (shape after bentocache's driver test suite): call it
 * inside a `describe` with a factory that builds the storage once; the suite flushes it before
 * each test.
 */
export function storageConformanceSuite(
	label: string,
	factory: () => Promise<ConformanceTarget>,
): void {
	describe(`${label}: Storage conformance`, () => {
		let target: ConformanceTarget | undefined;
		let s: Storage<string, Item>;

		beforeEach(async () => {
			if (target === undefined) target = await factory();
			s = target.storage;
			await s.flush();
		});

		afterAll(async () => {
			await target?.close?.();
		});

		it("get of a missing key resolves undefined", async () => {
			expect(await s.get("missing")).toBeUndefined();
		});

		it("set then get returns an equal item", async () => {
			await s.set(item("foo", 1, "héllo ✓"));
			expect(await s.get("foo")).toEqual(item("foo", 1, "héllo ✓"));
		});

		it("set overwrites", async () => {
			await s.set(item("a", 1));
			await s.set(item("a", 2));
			expect(await s.get("a")).toEqual(item("a", 2));
		});

		it("getMulti keeps input order, a slot per key, undefined for misses, duplicates kept", async () => {
			await s.setMulti([item("foo", 1), item("bar", 2)]);
			expect(await s.getMulti(["foo", "zzz", "bar", "foo"])).toEqual([
				item("foo", 1),
				undefined,
				item("bar", 2),
				item("foo", 1),
			]);
		});

		it("getMulti of zero keys resolves []", async () => {
			expect(await s.getMulti([])).toEqual([]);
		});

		it("setMulti then getMulti returns both in order", async () => {
			await s.setMulti([item("foo", 1), item("bar", 2)]);
			expect(await s.getMulti(["bar", "foo"])).toEqual([
				item("bar", 2),
				item("foo", 1),
			]);
		});

		it("delete removes one key; deleting a missing key succeeds", async () => {
			await s.setMulti([item("foo", 1), item("bar", 2)]);
			await s.delete("foo");
			await s.delete("never-there");
			expect(await s.getMulti(["foo", "bar"])).toEqual([
				undefined,
				item("bar", 2),
			]);
		});

		it("deleteMulti removes exactly those keys", async () => {
			await s.setMulti([item("foo", 1), item("bar", 2), item("zzz", 3)]);
			await s.deleteMulti(["foo", "zzz", "missing"]);
			expect(await s.getMulti(["foo", "bar", "zzz"])).toEqual([
				undefined,
				item("bar", 2),
				undefined,
			]);
		});

		it("flush removes everything", async () => {
			await s.setMulti([item("foo", 1), item("bar", 2)]);
			await s.flush();
			expect(await s.getMulti(["foo", "bar"])).toEqual([undefined, undefined]);
		});

		it("200-key setMulti/getMulti round-trips in order", async () => {
			const items = Array.from({ length: 200 }, (_, i) => item(`k${i}`, i));
			await s.setMulti(items);
			const keys = items.map((x) => x.key).reverse();
			const got = await s.getMulti(keys);
			expect(got).toEqual([...items].reverse());
		});

		it("concurrent sets of distinct keys all land", async () => {
			await Promise.all(
				Array.from({ length: 50 }, (_, i) => s.set(item(`c${i}`, i))),
			);
			const got = await s.getMulti(
				Array.from({ length: 50 }, (_, i) => `c${i}`),
			);
			expect(got.map((x) => x?.val)).toEqual(
				Array.from({ length: 50 }, (_, i) => i),
			);
		});

		it("set with a TTL expires the item (where the storage expires items)", async () => {
			const ttl = target?.ttl;
			await s.set(item("keep", 1));
			if (ttl === undefined) {
				// Storages without expiry accept the option and keep the item.
				await s.set(item("t", 1), { ttl: 1000 });
				expect(await s.get("t")).toEqual(item("t", 1));
				return;
			}
			await s.set(item("t", 1), { ttl: ttl.ttlMs });
			expect(await s.get("t")).toEqual(item("t", 1));
			await new Promise((r) => setTimeout(r, ttl.waitMs));
			expect(await s.get("t")).toBeUndefined();
			expect(await s.get("keep")).toEqual(item("keep", 1));
		});

		it("fill guard (when implemented): add refuses present keys and live tombstones", async () => {
			if (!isFillGuardedStorage(s)) {
				expect(typeof (s as { addMulti?: unknown }).addMulti).not.toBe(
					"function",
				);
				return;
			}
			await s.set(item("a", 1));
			expect(await s.addMulti([item("a", 9), item("b", 2)])).toEqual([
				false,
				true,
			]);
			expect(await s.getMulti(["a", "b"])).toEqual([
				item("a", 1),
				item("b", 2),
			]);
			await s.invalidateMulti(["a", "c"], 60_000);
			expect(await s.get("a")).toBeUndefined();
			expect(await s.getMulti(["a", "c"])).toEqual([undefined, undefined]);
			expect(await s.addMulti([item("a", 3), item("c", 3)])).toEqual([
				false,
				false,
			]);
			expect(await s.get("a")).toBeUndefined();
			await s.set(item("a", 4));
			expect(await s.get("a")).toEqual(item("a", 4));
			await s.delete("c");
			expect(await s.addMulti([item("c", 5)])).toEqual([true]);
			expect(await s.get("c")).toEqual(item("c", 5));
		});
	});
}
