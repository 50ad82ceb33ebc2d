/**
 * The `godropbox-ts:caching:lease-wait` event on both lease paths (real memcached): a caller
 * that misses keys whose fill lease another filler holds publishes one `{ name, keys }` event
 * per wait, keys = the number of keys it waits for — on the add-lease path (`lease`, binary
 * cache: `add <key>#lease`) as on the meta path (`mg … N`, meta cache).
 */
import diagnostics from "node:diagnostics_channel";
import { createClient, type ShardedClient } from "@godropbox-ts/memcache";
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	CacheOnStorage,
	LocalMapStorage,
	MemcacheStorage,
} from "../../src/index.js";
import { type Item, item, keyOf } from "../helpers/items.js";

const ok = await requireServers("memcached");

const LEASE_WAIT = "godropbox-ts:caching:lease-wait";

interface LeaseWaitEvent {
	readonly name: string;
	readonly keys: number;
}

/** Runs `f` while recording the lease-wait events of the instance called `name`. */
async function recordLeaseWaits<T>(
	name: string,
	f: (events: LeaseWaitEvent[]) => Promise<T>,
): Promise<{ result: T; events: LeaseWaitEvent[] }> {
	const events: LeaseWaitEvent[] = [];
	const onMessage = (message: unknown): void => {
		const m = message as LeaseWaitEvent;
		if (m.name === name) events.push({ ...m });
	};
	diagnostics.subscribe(LEASE_WAIT, onMessage);
	try {
		return { result: await f(events), events };
	} finally {
		diagnostics.unsubscribe(LEASE_WAIT, onMessage);
	}
}

describe.skipIf(!ok)("lease-wait event on real memcached", () => {
	let cluster: MemcachedCluster;
	const clients: ShardedClient[] = [];
	beforeAll(async () => {
		cluster = await startMemcached({ count: 2 });
	});
	afterAll(async () => {
		for (const c of clients) await c.close();
		await cluster?.stop();
	});

	function cacheOf(
		protocol: "binary" | "meta",
		prefix: string,
	): MemcacheStorage<string, Item> {
		const client = createClient({ servers: cluster.addresses, protocol });
		clients.push(client);
		return new MemcacheStorage<string, Item>(client, {
			keyOf,
			prefix,
			ttl: 60_000,
		});
	}

	async function storageWith(
		keys: readonly string[],
	): Promise<LocalMapStorage<string, Item>> {
		const storage = new LocalMapStorage<string, Item>({ keyOf });
		await storage.setMulti(keys.map((k, i) => item(k, i)));
		return storage;
	}

	const held = ["a", "b", "c"];
	const free = ["d", "e"];
	const all = [...held, ...free];

	it("add-lease path: waiting on another filler's leases publishes lease-wait with the waited key count", async () => {
		const cache = cacheOf("binary", "alw:");
		// Another filler (another process, as far as memcached can tell) holds three leases.
		const other = cacheOf("binary", "alw:");
		expect(await other.acquireLeases(held, 10_000)).toEqual([true, true, true]);
		const storage = await storageWith(all);
		const c = new CacheOnStorage(cache, storage, {
			keyOf,
			name: "add-lease-wait",
			lease: { ttl: 5000, wait: 1500, poll: 10 },
		});
		await c.get("warm-up"); // connect first
		const { result, events } = await recordLeaseWaits(
			"add-lease-wait",
			(events) => {
				const got = c.getMulti(all);
				// The other filler fills once this caller announced its wait, then releases.
				const filled = waitFor(() => events.length > 0, 1000).then(async () => {
					await other.setMulti(held.map((k, i) => item(k, 100 + i)));
					await other.releaseLeases(held);
				});
				return Promise.all([got, filled]).then(([g]) => g);
			},
		);
		expect(events).toEqual([{ name: "add-lease-wait", keys: 3 }]);
		// The held keys came from the other filler's fill, the free ones from the storage.
		expect(result.map((x) => x?.val)).toEqual([100, 101, 102, 3, 4]);
		// leaseWins counts meta leases only: 0 shows this ran on the add-lease path.
		expect(c.stats).toMatchObject({
			leaseWaits: 3,
			leaseTimeouts: 0,
			leaseWins: 0,
		});
	});

	it("meta path: the same event, the same payload shape", async () => {
		const cache = cacheOf("meta", "mlw:");
		const other = cacheOf("meta", "mlw:");
		// Another filler wins the meta leases (mg … N → W) of three keys and never fills.
		const reads = await other.leaseGetMulti(held, 10_000);
		expect(reads.map((r) => r.state)).toEqual(["win", "win", "win"]);
		const storage = await storageWith(all);
		const c = new CacheOnStorage(cache, storage, {
			keyOf,
			name: "meta-lease-wait",
			metaLease: { ttl: 5000, wait: 100, poll: 10 },
		});
		await c.get("warm-up");
		const { result, events } = await recordLeaseWaits("meta-lease-wait", () =>
			c.getMulti(all),
		);
		expect(events).toEqual([{ name: "meta-lease-wait", keys: 3 }]);
		// After `wait` the waiters read the storage themselves.
		expect(result.map((x) => x?.val)).toEqual([0, 1, 2, 3, 4]);
		// The warm-up won one lease; d and e two more.
		expect(c.stats).toMatchObject({
			leaseWaits: 3,
			leaseTimeouts: 3,
			leaseWins: 3,
		});
	});
});

/** Polls `cond` every 5 ms for at most `timeoutMs`. */
async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!cond()) {
		if (Date.now() > deadline) return;
		await new Promise((r) => setTimeout(r, 5));
	}
}
