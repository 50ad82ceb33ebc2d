/**
 * The storage contract, from godropbox `caching/interface.go`: a key is opaque, an item carries
 * its own key, absence is `undefined` (never an error), and errors are reserved for failures.
 */

/** Options every operation accepts. */
export interface OperationOptions {
	/** Aborts waiting (e.g. for a rate-limiter slot); the call rejects with `ERR_CACHING_ABORTED`. */
	readonly signal?: AbortSignal | undefined;
}

/** Options of `set` / `setMulti`. */
export interface SetOptions extends OperationOptions {
	/**
	 * Time to live of the written items, in milliseconds. `0` means "no expiry"; `undefined`
	 * means the storage's own default. Storages that cannot expire items (SQL) ignore it.
	 */
	readonly ttl?: number | undefined;
}

/**
 * A storage of items that carry their own key (godropbox `caching.Storage`).
 *
 * - `get` resolves `undefined` for a missing key.
 * - `getMulti` resolves one slot per input key, in input order, duplicates not collapsed.
 * - multi operations are not atomic: a failure part-way leaves earlier effects in place.
 * - deleting a missing key is not an error.
 */
export interface Storage<K, V> {
	/** One item, or `undefined` when absent. */
	get(key: K, options?: OperationOptions): Promise<V | undefined>;
	/** One slot per key, in the keys' order; `undefined` for each absent key. */
	getMulti(
		keys: readonly K[],
		options?: OperationOptions,
	): Promise<(V | undefined)[]>;
	/** Inserts or overwrites the item under the key derived from it. */
	set(item: V, options?: SetOptions): Promise<void>;
	/** Inserts or overwrites several items. */
	setMulti(items: readonly V[], options?: SetOptions): Promise<void>;
	/** Removes one key; a missing key is not an error. */
	delete(key: K, options?: OperationOptions): Promise<void>;
	/** Removes several keys. */
	deleteMulti(keys: readonly K[], options?: OperationOptions): Promise<void>;
	/** Removes everything. */
	flush(options?: OperationOptions): Promise<void>;
}

/**
 * The optional capability a cache needs to close the fill-after-invalidate race across
 * processes without leases: a short-lived *tombstone* that makes the key read as a miss and
 * refuses "add" fills until it expires.
 *
 * {@link CacheOnStorage} uses it when its cache implements it (detected with
 * {@link isFillGuardedStorage}): fills go through `addMulti` (store only when the key holds
 * neither an item nor a tombstone) and invalidations through `invalidateMulti`.
 * `LocalMapStorage`, `MemcacheStorage` and `RedisStorage` implement it.
 */
export interface FillGuardedStorage<K, V> extends Storage<K, V> {
	/**
	 * Stores each item only if its key holds neither an item nor a tombstone. Resolves one
	 * boolean per item: whether it was stored.
	 */
	addMulti(items: readonly V[], options?: SetOptions): Promise<boolean[]>;
	/**
	 * Replaces each key's entry by a tombstone living `tombstoneTtl` ms: reads miss, `addMulti`
	 * refuses, `set` overwrites it.
	 */
	invalidateMulti(
		keys: readonly K[],
		tombstoneTtl: number,
		options?: OperationOptions,
	): Promise<void>;
}

/** Whether `storage` implements {@link FillGuardedStorage}. */
export function isFillGuardedStorage<K, V>(
	storage: Storage<K, V>,
): storage is FillGuardedStorage<K, V> {
	const s = storage as Partial<FillGuardedStorage<K, V>>;
	return (
		typeof s.addMulti === "function" && typeof s.invalidateMulti === "function"
	);
}

/**
 * The optional capability behind {@link CacheOnStorage}'s `lease` option: a short-lived
 * exclusive marker per key, taken with an atomic add, so that one caller across processes
 * reads the storage for a missed key while the others wait for its fill. `MemcacheStorage`
 * implements it with memcached `add` on a companion key; memcached's meta-protocol leases
 * would implement the same interface without the companion key.
 */
export interface LeaseCapableStorage<K> {
	/** Tries to take each key's lease for `ttl` ms; one boolean per key: whether it was taken. */
	acquireLeases(keys: readonly K[], ttl: number): Promise<boolean[]>;
	/** Gives the leases back (a lease also expires on its own after its ttl). */
	releaseLeases(keys: readonly K[]): Promise<void>;
}

/** Whether `storage` implements {@link LeaseCapableStorage}. */
export function isLeaseCapableStorage<K>(
	storage: unknown,
): storage is LeaseCapableStorage<K> {
	const s = storage as Partial<LeaseCapableStorage<K>> | null;
	return (
		typeof s?.acquireLeases === "function" &&
		typeof s?.releaseLeases === "function"
	);
}

/**
 * How a cache answered a lease read of one key (see {@link MetaLeaseStorage}):
 *
 * - `"hit"`: `value` is a fresh item;
 * - `"win"`: this caller holds the key's fill lease and should read the storage and
 *   {@link MetaLeaseStorage.leaseFill} with `token`; `value` is the stale item, if any;
 * - `"wait"`: another caller (in any process) holds the lease; `value` is the stale item, if
 *   any; `token` is the key's current CAS, which a fill may present after waiting in vain;
 * - `"bypass"`: the cache cannot lease this key now (a fill-guard tombstone, a skipped shard):
 *   read the storage and do not fill.
 */
export interface LeaseRead<V> {
	readonly state: "hit" | "win" | "wait" | "bypass";
	readonly value: V | undefined;
	/** CAS token a fill must present (`"win"`, `"wait"`); `0n` otherwise. */
	readonly token: bigint;
}

/**
 * The capability behind {@link CacheOnStorage}'s meta-protocol path: memcached's meta
 * commands give a read that takes a fill lease on a miss (`mg … N<ttl>`: one `W` per key across
 * every client, `Z` for the rest, `X` for an invalidated item), fills that store only if the
 * key's CAS is still the one read (`ms … C<cas>`), and invalidations that bump the CAS
 * (`md`, or `md … I T<grace>` to keep serving the old value, marked stale, while one caller
 * refreshes it). `MemcacheStorage` over a meta client (`createClient({ protocol: "meta" })` or
 * a `RawMetaClient`) implements it; `metaLeases` tells whether it is usable.
 */
export interface MetaLeaseStorage<K, V> extends Storage<K, V> {
	/** Whether the meta commands are available (e.g. false over a binary client). */
	readonly metaLeases: boolean;
	/** Reads one key; on a miss takes the fill lease for `leaseTtl` ms if nobody holds it. */
	leaseGet(
		key: K,
		leaseTtl: number,
		options?: OperationOptions,
	): Promise<LeaseRead<V>>;
	/** {@link MetaLeaseStorage.leaseGet} for several keys (one slot per key, input order). */
	leaseGetMulti(
		keys: readonly K[],
		leaseTtl: number,
		options?: OperationOptions,
	): Promise<LeaseRead<V>[]>;
	/**
	 * Stores each item only if its key's CAS still equals `tokens[i]` (the token of the lease
	 * read that preceded the storage read). Resolves one boolean per item: stored or not.
	 */
	leaseFill(
		items: readonly V[],
		tokens: readonly bigint[],
		options?: SetOptions,
	): Promise<boolean[]>;
	/** Drops each key's lease stub if its CAS still equals the token (nothing to fill). */
	leaseRelease(keys: readonly K[], tokens: readonly bigint[]): Promise<void>;
	/**
	 * Invalidates after a write: plain delete with `staleGrace` 0, else marks the items stale
	 * (new CAS, TTL `staleGrace` ms) so lease losers may serve them while one caller refreshes.
	 */
	leaseInvalidate(
		keys: readonly K[],
		staleGrace: number,
		options?: OperationOptions,
	): Promise<void>;
}

/** Whether `storage` implements {@link MetaLeaseStorage} and its meta commands are usable. */
export function isMetaLeaseStorage<K, V>(
	storage: Storage<K, V>,
): storage is MetaLeaseStorage<K, V> {
	const s = storage as Partial<MetaLeaseStorage<K, V>>;
	return (
		s.metaLeases === true &&
		typeof s.leaseGet === "function" &&
		typeof s.leaseGetMulti === "function" &&
		typeof s.leaseFill === "function" &&
		typeof s.leaseRelease === "function" &&
		typeof s.leaseInvalidate === "function"
	);
}
