import { createClient } from "@godropbox-ts/memcache";
import { requireServers, startMemcached } from "@godropbox-ts/test-utils";
import { describe, expect, it } from "vitest";
import {
	CacheOnStorage,
	LocalMapStorage,
	MemcacheStorage,
} from "../../src/index.js";
import { type Item, item, keyOf } from "../helpers/items.js";

const ok = await requireServers("memcached");

describe.skipIf(!ok)("CacheOnStorage during a real memcached outage", () => {
	it("reads keep working from the storage (non-strict), errors are counted, strict fails", async () => {
		const cluster = await startMemcached({ count: 1 });
		const client = createClient({
			servers: cluster.addresses,
			protocol: "binary",
			timeout: 300,
		});
		try {
			const db = new LocalMapStorage<string, Item>({ keyOf });
			await db.setMulti([item("a", 1), item("b", 2)]);
			const cache = new MemcacheStorage<string, Item>(client, { keyOf });
			const c = new CacheOnStorage(cache, db, { keyOf });
			expect(await c.get("a")).toEqual(item("a", 1));
			await cluster.processes[0]?.kill();
			expect(await c.get("a")).toEqual(item("a", 1));
			expect(await c.getMulti(["a", "b", "z"])).toEqual([
				item("a", 1),
				item("b", 2),
				undefined,
			]);
			expect(c.stats.cacheErrors).toBeGreaterThanOrEqual(2);
			expect(c.stats.errors).toBe(c.stats.cacheErrors);
			const strict = new CacheOnStorage(cache, db, { keyOf, strict: true });
			await expect(strict.get("a")).rejects.toMatchObject({
				code: "ERR_CACHING_CACHE_FAILED",
			});
			// A write during the outage reaches the storage but cannot invalidate: it says so.
			await expect(c.set(item("a", 9))).rejects.toMatchObject({
				code: "ERR_CACHING_INVALIDATION_FAILED",
			});
			expect(await db.get("a")).toEqual(item("a", 9));
			// The server comes back empty: reads fill it again.
			await cluster.processes[0]?.start();
			let back: Item | undefined;
			for (let i = 0; i < 50 && back === undefined; i++) {
				back = await cache.get("a").catch(() => undefined);
				if (back === undefined) {
					await c.get("a");
					await new Promise((r) => setTimeout(r, 50));
				}
			}
			expect(back).toEqual(item("a", 9));
		} finally {
			await client.close();
			await cluster.stop();
		}
	});
});
