import { createHash } from "node:crypto";
import {
	CacheOnStorage,
	LocalMapStorage,
	MemcacheStorage,
	type Storage,
} from "@godropbox-ts/caching";
import { consistentHashShardFunction } from "@godropbox-ts/hash2";
import {
	createClient,
	RawBinaryClient,
	type ShardedClient,
	ShardState,
} from "@godropbox-ts/memcache";
import { MultiConnectionPool } from "@godropbox-ts/net2";
import type { Knex } from "knex";
import type { DatabaseTarget } from "./database.js";
import { InvalidInputError } from "./errors.js";
import type { Profile } from "./profile.js";
import { profilesStorage } from "./profiles-table.js";
import type {
	CacheCounters,
	PoolView,
	ShardStateName,
	ShardView,
	Stack,
} from "./stack-types.js";

/** Options of {@link createStack}. */
export interface CreateStackOptions {
	readonly knex: Knex;
	readonly database: DatabaseTarget;
	/** memcached servers (`host:port`); undefined = in-process LocalMapStorage. */
	readonly memcacheServers?: readonly string[] | undefined;
	/** Whether the servers are processes this service started (for the description). */
	readonly localMemcached?: boolean | undefined;
}

const keyOf = (p: Profile): number => p.id;

/** 8 hex digits identifying the database (its location, without credentials). */
function databaseTag(database: DatabaseTarget): string {
	return createHash("sha256")
		.update(database.description)
		.digest("hex")
		.slice(0, 8);
}

const STATE_BY_NAME: Readonly<Record<ShardStateName, ShardState>> = {
	Active: ShardState.Active,
	WriteOnly: ShardState.WriteOnly,
	Down: ShardState.Down,
	WarmUp: ShardState.WarmUp,
};
const NAME_BY_STATE = new Map<number, ShardStateName>(
	Object.entries(STATE_BY_NAME).map(([k, v]) => [v, k as ShardStateName]),
);

/**
 * Composes the data layer from the packages:
 *
 * ```
 * CacheOnStorage (caching: coalesced fills, invalidate-after-write, fill guard)
 *   ├─ cache:   MemcacheStorage → ShardedClient (memcache, binary protocol)
 *   │             StaticShardManager(servers, hash2 consistentHash) → net2 MultiConnectionPool
 *   │           or LocalMapStorage without memcached
 *   └─ storage: SqlStorage → `profiles` (sqlbuilder table) → knex → SQLite | MariaDB | PostgreSQL
 * ```
 */
export async function createStack(options: CreateStackOptions): Promise<Stack> {
	const { knex } = options;
	const database = profilesStorage(knex);

	let cache: Storage<number, Profile>;
	let client: ShardedClient | undefined;
	let pool: MultiConnectionPool | undefined;
	let cacheDescription: string;
	const servers = options.memcacheServers;
	if (servers !== undefined) {
		pool = new MultiConnectionPool({ connectTimeout: 1000 });
		client = createClient({
			servers,
			protocol: "binary",
			shardFunction: consistentHashShardFunction,
			pool,
			timeout: 2000,
		});
		cache = new MemcacheStorage<number, Profile>(client, {
			name: "profiles-memcache",
			keyOf,
			// Keys carry the database's identity, so servers shared by services (or runs) over
			// different databases never serve one database's rows to another.
			prefix: `profile:${databaseTag(options.database)}:`,
			ttl: 3_600_000,
		});
		cacheDescription = `memcached ×${servers.length}${options.localMemcached ? " (started for this run)" : ""} at ${servers.join(", ")}; binary protocol, hash2 consistent hash, net2 pools`;
	} else {
		cache = new LocalMapStorage<number, Profile>({
			name: "profiles-local",
			keyOf,
			maxEntries: 200_000,
		});
		cacheDescription = "LocalMapStorage (in-process; no memcached)";
	}
	// A write leaves a tombstone that refuses fills which read the database before the write.
	// It must outlive the slowest database read; 500 ms is far above this service's p99 on
	// SQLite, and short enough that hot profiles written several times a second still get cached.
	const layered = new CacheOnStorage(cache, database, {
		keyOf,
		ttl: 3_600_000,
		tombstoneTtl: 500,
	});

	const shards = (): ShardView[] => {
		if (client === undefined) return [];
		const states = client.manager.shardStates();
		return client.stats().map((s, i) => ({
			index: i,
			address: s.address,
			state: NAME_BY_STATE.get(states[i]?.state ?? -1) ?? "Down",
			requests: s.requests,
			hits: s.hits,
			misses: s.misses,
			skipped: s.skipped,
			errors: s.errors,
			connections: s.connections,
		}));
	};

	let closing: Promise<void> | undefined;
	return {
		store: {
			get: (id) => layered.get(id),
			getMulti: (ids) => layered.getMulti(ids),
			put: (p) => layered.set(p),
			delete: (id) => layered.delete(id),
		},
		cacheKind: client === undefined ? "local" : "memcache",
		cacheDescription,
		databaseDescription: options.database.description,
		cacheCounters: (): CacheCounters => {
			const s = layered.stats;
			return {
				hits: s.hits,
				misses: s.misses,
				fills: s.fills,
				coalesced: s.coalesced,
				fillsRefused: s.fillsSkipped,
				errors: s.cacheErrors,
			};
		},
		shards,
		pools: (): PoolView[] =>
			(pool?.stats().addresses ?? []).map((a) => ({
				address: a.address,
				active: a.active,
				idle: a.idle,
				pending: a.pending,
				highWater: a.highWaterMark,
				dials: a.dials,
				dialFailures: a.dialFailures,
			})),
		setShardState: async (address: string, state: ShardStateName) => {
			if (client === undefined)
				throw new InvalidInputError(
					`no memcache shard '${address}': the cache is in-process`,
				);
			const manager = client.manager;
			const current = manager.shardStates().find((s) => s.address === address);
			if (current === undefined)
				throw new InvalidInputError(
					`no memcache shard '${address}'; shards: ${manager
						.shardStates()
						.map((s) => s.address)
						.join(", ")}`,
				);
			const target = STATE_BY_NAME[state];
			// While a shard is not Active, the sharded client skips its get/set/add/delete, so
			// invalidations of its keys were dropped: flush it before it serves reads again.
			if (target === ShardState.Active && current.state !== ShardState.Active) {
				const raw = new RawBinaryClient({ address, timeout: 2000 });
				try {
					const r = await raw.flush(0);
					if (r.error !== undefined) throw r.error;
				} finally {
					await raw.close();
				}
			}
			manager.updateShardStates(
				manager
					.shardStates()
					.map((s) => (s.address === address ? { address, state: target } : s)),
			);
		},
		readCached: (ids) => cache.getMulti(ids),
		readDatabase: (ids) => database.getMulti(ids),
		close: () => {
			closing ??= (async () => {
				// The client closes its shard manager; the pool is ours (the manager never closes
				// a pool it was given), so it is closed last.
				await client?.close();
				await pool?.close();
			})();
			return closing;
		},
	};
}
