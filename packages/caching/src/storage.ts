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
