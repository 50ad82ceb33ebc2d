import type { ShardedClient } from "@godropbox-ts/memcache";
import { expectTypeOf, test } from "vitest";
import {
	CacheOnStorage,
	type CacheOnStorageStats,
	isMetaLeaseStorage,
	type LeaseRead,
	LocalMapStorage,
	MemcacheStorage,
	type MetaLeaseStorage,
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

test("meta leases: MemcacheStorage is a MetaLeaseStorage, the guard narrows, metaLease takes false or options", () => {
	const client = {} as ShardedClient;
	const m = new MemcacheStorage<number, Profile>(client, {
		keyOf: (p) => p.id,
	});
	expectTypeOf(m).toMatchTypeOf<MetaLeaseStorage<number, Profile>>();
	expectTypeOf(m.leaseGet(1, 5000)).toEqualTypeOf<
		Promise<LeaseRead<Profile>>
	>();
	expectTypeOf<LeaseRead<Profile>["state"]>().toEqualTypeOf<
		"hit" | "win" | "wait" | "bypass"
	>();
	const s: Storage<number, Profile> = m;
	if (isMetaLeaseStorage(s))
		expectTypeOf(s).toMatchTypeOf<MetaLeaseStorage<number, Profile>>();
	const c = new CacheOnStorage(m, m, {
		keyOf: (p) => p.id,
		metaLease: { staleGrace: 1000 },
	});
	expectTypeOf(c.metaLeases).toBeBoolean();
	new CacheOnStorage(m, m, { keyOf: (p) => p.id, metaLease: false });
	// @ts-expect-error metaLease is false or an options object
	new CacheOnStorage(m, m, { keyOf: (p) => p.id, metaLease: true });
});
