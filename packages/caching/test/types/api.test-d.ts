import { expectTypeOf, test } from "vitest";
import {
	CacheOnStorage,
	type CacheOnStorageStats,
	LocalMapStorage,
	type Storage,
} from "../../src/index.js";

interface Profile {
	id: number;
	name: string;
}

test("storages are typed by key and item", () => {
	const local = new LocalMapStorage<number, Profile>({ keyOf: (p) => p.id });
	expectTypeOf(local).toMatchTypeOf<Storage<number, Profile>>();
	expectTypeOf(local.get(1)).toEqualTypeOf<Promise<Profile | undefined>>();
	expectTypeOf(local.getMulti([1, 2])).toEqualTypeOf<
		Promise<(Profile | undefined)[]>
	>();
	// @ts-expect-error a string is not a number key
	local.get("1");
	// @ts-expect-error keyOf must return the key type
	new LocalMapStorage<number, Profile>({ keyOf: (p: Profile) => p.name });
});

test("CacheOnStorage composes two storages of the same types and exposes stable stats", () => {
	const a = new LocalMapStorage<number, Profile>({ keyOf: (p) => p.id });
	const c = new CacheOnStorage(a, a, { keyOf: (p) => p.id });
	expectTypeOf(c).toMatchTypeOf<Storage<number, Profile>>();
	expectTypeOf(c.stats).toEqualTypeOf<CacheOnStorageStats>();
	expectTypeOf(c.stats.hits).toBeNumber();
	expectTypeOf<keyof CacheOnStorageStats>().toMatchTypeOf<
		| "hits"
		| "misses"
		| "fills"
		| "errors"
		| "coalesced"
		| "loads"
		| "negativeHits"
		| "fillsSkipped"
		| "invalidations"
		| "cacheErrors"
		| "leaseWaits"
		| "leaseTimeouts"
		| "leaseWins"
		| "staleServed"
	>();
	// @ts-expect-error set takes an item, not a key/value pair
	c.set(1, { id: 1, name: "x" });
});
