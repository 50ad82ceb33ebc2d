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
	RawMetaClient,
	ShardedClient,
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
	/**
	 * etcd client URLs (`ETCD_ENDPOINTS`). When set (with memcache servers), shard states come
	 * from the shard map in etcd through an `EtcdShardManager`, and {@link Stack.setShardState}
	 * writes that map (compare-and-swap) instead of calling `updateShardStates` directly.
	 */
	readonly etcdEndpoints?: readonly string[] | undefined;
	/** etcd key of the shard map. @defaultValue {@link DEMO_SHARD_MAP_KEY} */
	readonly etcdKey?: string | undefined;
}

/** The etcd key the demo keeps its shard map under. */
export const DEMO_SHARD_MAP_KEY = "/godropbox-ts/profile-service/shard-map";

/** The etcd side of a stack built with `etcdEndpoints`. */
interface EtcdShards {
	readonly key: string;
	readonly close: () => void;
	/** CAS-writes one shard's state and waits until this process's manager applied it. */
	readonly move: (address: string, state: ShardStateName) => Promise<void>;
}

/**
 * Connects to etcd, publishes `servers` as the shard map when the key is missing or lists other
 * servers (a fresh local memcached has new ports every run), and builds a ShardedClient over an
 * EtcdShardManager. Loaded lazily: without ETCD_ENDPOINTS the demo never loads etcd3.
 */
async function etcdShardedClient(
	servers: readonly string[],
	endpoints: readonly string[],
	key: string,
	pool: MultiConnectionPool,
): Promise<{ client: ShardedClient; etcd: EtcdShards }> {
	const { Etcd3 } = await import("etcd3");
	const {
		EtcdShardManager,
		EtcdShardMapErrorCode,
		readShardMap,
		writeShardMap,
	} = await import("@godropbox-ts/memcache/etcd");
	const etcd = new Etcd3({ hosts: [...endpoints], dialTimeout: 3000 });
	try {
		const current = await readShardMap(etcd, key, 5000);
		const listed = current.map?.shards.map((s) => s.address).join(",");
		if (listed !== servers.join(",")) {
			await writeShardMap(
				etcd,
				key,
				() => servers.map((address) => ({ address, state: "Active" as const })),
				{ overwriteInvalid: true, timeoutMs: 5000 },
			);
		}
		const manager = await EtcdShardManager.create({
			client: etcd,
			key,
			pool,
			shardFunction: consistentHashShardFunction,
		});
		// `new ShardedClient` defaults to godropbox's binary protocol (createClient defaults to
		// meta): ask for meta, so CacheOnStorage takes meta leases here too.
		const client = new ShardedClient(manager, {
			protocol: "meta",
			timeout: 2000,
			closeManager: true,
		});
		const move = async (address: string, state: ShardStateName) => {
			// Another operator (the CLI, another instance) may write at the same time: the CAS
			// fails then, and a fresh read-modify-write is safe to retry.
			for (let attempt = 0; ; attempt++) {
				try {
					const { map } = await writeShardMap(etcd, key, (cur) =>
						(cur?.shards ?? []).map((s) =>
							s.address === address ? { address, state } : s,
						),
					);
					const deadline = Date.now() + 10_000;
					while (
						manager.stats.mapVersion < map.version &&
						Date.now() < deadline
					)
						await new Promise((r) => setTimeout(r, 5));
					return;
				} catch (err) {
					const code = (err as { code?: unknown }).code;
					if (code !== EtcdShardMapErrorCode.Conflict || attempt >= 4)
						throw err;
				}
			}
		};
		return { client, etcd: { key, close: () => etcd.close(), move } };
	} catch (err) {
		etcd.close();
		throw err;
	}
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
 * CacheOnStorage (caching: coalesced fills, invalidate-after-write, meta leases / fill guard)
 *   ├─ cache:   MemcacheStorage → ShardedClient (memcache, meta protocol: mg N/W/Z leases,
 *   │             fills stored with the lease's CAS)
 *   │             StaticShardManager(servers, hash2 consistentHash) → net2 MultiConnectionPool
 *   │           or LocalMapStorage without memcached (add fills + tombstones)
 *   └─ storage: SqlStorage → `profiles` (sqlbuilder table) → knex → SQLite | MariaDB | PostgreSQL
 * ```
 */
export async function createStack(options: CreateStackOptions): Promise<Stack> {
	const { knex } = options;
	const database = profilesStorage(knex);

	let cache: Storage<number, Profile>;
	let client: ShardedClient | undefined;
	let pool: MultiConnectionPool | undefined;
	let etcd: EtcdShards | undefined;
	let cacheDescription: string;
	const servers = options.memcacheServers;
	if (servers !== undefined) {
		pool = new MultiConnectionPool({ connectTimeout: 1000 });
		if (options.etcdEndpoints !== undefined) {
			try {
				({ client, etcd } = await etcdShardedClient(
					servers,
					options.etcdEndpoints,
					options.etcdKey ?? DEMO_SHARD_MAP_KEY,
					pool,
				));
			} catch (err) {
				await pool.close();
				throw err;
			}
		} else {
			// The meta protocol, createClient's default (memcached ≥ 1.6.18): CacheOnStorage sees a
			// MemcacheStorage over a meta client and uses memcached's own leases.
			client = createClient({
				servers,
				shardFunction: consistentHashShardFunction,
				pool,
				timeout: 2000,
			});
		}
		cache = new MemcacheStorage<number, Profile>(client, {
			name: "profiles-memcache",
			keyOf,
			// Keys carry the database's identity, so servers shared by services (or runs) over
			// different databases never serve one database's rows to another.
			prefix: `profile:${databaseTag(options.database)}:`,
			ttl: 3_600_000,
		});
		cacheDescription = `memcached ×${servers.length}${options.localMemcached ? " (started for this run)" : ""} at ${servers.join(", ")}; ${client.protocol} protocol, hash2 consistent hash, net2 pools${etcd === undefined ? "" : `; shard states from etcd key ${etcd.key}`}`;
	} else {
		cache = new LocalMapStorage<number, Profile>({
			name: "profiles-local",
			keyOf,
			maxEntries: 200_000,
		});
		cacheDescription = "LocalMapStorage (in-process; no memcached)";
	}
	// Over memcached (meta protocol) CacheOnStorage uses meta leases — `metaLease` at its
	// defaults: ttl 5 s, wait 2 s, poll 10 ms, no stale serving. One caller across all clients
	// reads a missed key from the database (`mg … N` → W; the others get Z and poll for its
	// fill), and fills are `ms … C<cas>` with the CAS read before the database read, so a write's
	// `md` in between makes the fill store nothing. Tombstones are not used there.
	// The LocalMapStorage fallback has no meta leases: fills are add-if-absent and a write leaves
	// a tombstone that refuses fills which read the database before the write. It must outlive
	// the slowest database read; 500 ms is far above this service's p99 on SQLite, and short
	// enough that hot profiles written several times a second still get cached.
	const layered = new CacheOnStorage(cache, database, {
		keyOf,
		ttl: 3_600_000,
		tombstoneTtl: 500,
	});
	if (layered.metaLeases) cacheDescription += "; meta leases";

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
				// `flush_all` on the meta client's connection (a text command, as every meta one).
				const raw = new RawMetaClient({ address, timeout: 2000 });
				try {
					const r = await raw.flush(0);
					if (r.error !== undefined) throw r.error;
				} finally {
					await raw.close();
				}
			}
			if (etcd !== undefined) await etcd.move(address, state);
			else
				manager.updateShardStates(
					manager
						.shardStates()
						.map((s) =>
							s.address === address ? { address, state: target } : s,
						),
				);
		},
		readCached: (ids) => cache.getMulti(ids),
		readDatabase: (ids) => database.getMulti(ids),
		close: () => {
			closing ??= (async () => {
				// The client closes its shard manager; the pool is ours (the manager never closes
				// a pool it was given), so it is closed last.
				await client?.close();
				etcd?.close();
				await pool?.close();
			})();
			return closing;
		},
	};
}
