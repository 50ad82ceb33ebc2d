import type { Profile } from "./profile.js";
import type { ProfileStore } from "./store.js";

/** The shard states of godropbox's shard manager, by name. */
export const SHARD_STATE_NAMES = [
	"Active",
	"WriteOnly",
	"Down",
	"WarmUp",
] as const;
export type ShardStateName = (typeof SHARD_STATE_NAMES)[number];

/** Counters of the read-through layer (`CacheOnStorage`). */
export interface CacheCounters {
	readonly hits: number;
	readonly misses: number;
	/** Values loaded from the database and written into the cache. */
	readonly fills: number;
	/** Loads that joined a load already in flight for the same key instead of querying again. */
	readonly coalesced: number;
	/**
	 * Fills not stored: a write to the key raced with the load. On memcached (meta protocol) the
	 * fill's `ms … C<cas>` found the lease's CAS changed by a write's delete, or a write in this
	 * process completed during the load; on the in-process fallback the guarded `add` found the
	 * key already filled (by a concurrent load) or tombstoned by a recent write.
	 */
	readonly fillsRefused: number;
	/** Cache operations that failed (reads then fall back to the database). */
	readonly errors: number;
}

/** One memcache shard as the viewer and the summary show it. */
export interface ShardView {
	readonly index: number;
	readonly address: string;
	readonly state: ShardStateName;
	/** Requests sent to the server (a pipelined batch counts once). */
	readonly requests: number;
	/** Keys found by gets. */
	readonly hits: number;
	/** Keys missed by gets. */
	readonly misses: number;
	/** Keys or calls not sent because of the shard's state (e.g. reads of a WriteOnly shard). */
	readonly skipped: number;
	/** Responses carrying an error. */
	readonly errors: number;
	/** Connections open to the server. */
	readonly connections: number;
}

/** One connection pool (per address) as the viewer and the summary show it. */
export interface PoolView {
	readonly address: string;
	readonly active: number;
	readonly idle: number;
	readonly pending: number;
	readonly highWater: number;
	readonly dials: number;
	readonly dialFailures: number;
}

/** The composed data layer: store, introspection and shard control. */
export interface Stack {
	readonly store: ProfileStore;
	/** "memcache" (sharded over real servers) or "local" (in-process map, no memcached). */
	readonly cacheKind: "memcache" | "local";
	/** One line for the startup banner and the summary. */
	readonly cacheDescription: string;
	readonly databaseDescription: string;
	cacheCounters(): CacheCounters;
	shards(): ShardView[];
	pools(): PoolView[];
	/**
	 * Changes one shard's state through the shard manager's `updateShardStates`. A shard going
	 * back to Active is flushed first: while it was not Active its invalidations were skipped.
	 *
	 * @throws InvalidInputError (rejects) for an unknown address
	 */
	setShardState(address: string, state: ShardStateName): Promise<void>;
	/** What the cache layer holds for each id right now, without filling it. */
	readCached(ids: readonly number[]): Promise<(Profile | undefined)[]>;
	/** What the database holds for each id. */
	readDatabase(ids: readonly number[]): Promise<(Profile | undefined)[]>;
	/** Closes the cache client, its pools and the database connections. */
	close(): Promise<void>;
}
