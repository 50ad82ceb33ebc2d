import {
	BadResultError,
	CacheFailedError,
	InvalidationFailedError,
	InvalidOptionError,
} from "./errors.js";
import { channels } from "./internal/diagnostics.js";
import { type FastRead, fastReadOf } from "./internal/fast-read.js";
import { checkTtl, jitterTtl } from "./internal/ttl.js";
import {
	defaultKeyToString,
	type KeyOfFunc,
	type ToStringFunc,
} from "./keys.js";
import {
	type FillGuardedStorage,
	isFillGuardedStorage,
	isLeaseCapableStorage,
	isMetaLeaseStorage,
	type LeaseCapableStorage,
	type LeaseRead,
	type MetaLeaseStorage,
	type OperationOptions,
	type SetOptions,
	type Storage,
} from "./storage.js";

/** Opt-in negative caching: a miss in both layers is remembered in the cache as a marker item. */
export interface NegativeCacheOptions<K, V> {
	/** Time to live of the marker in the cache, ms (> 0). */
	readonly ttl: number;
	/** Builds the marker item stored for a missing key (it must carry that key). */
	readonly toItem: (key: K) => V;
	/** Recognises a marker read back from the cache; such a hit resolves `undefined`. */
	readonly isNegative: (item: V) => boolean;
}

/** How a successful write reaches the cache. */
export type WritePolicy = "invalidate" | "write-through";

/** Options of {@link CacheOnStorage}. */
export interface CacheOnStorageOptions<K, V> {
	/** Name in events. @defaultValue "cache-on-storage" */
	readonly name?: string | undefined;
	/** Derives an item's key (needed to invalidate on `set` and to coalesce loads). */
	readonly keyOf: KeyOfFunc<K, V>;
	/** Identity of a key for coalescing and invalidation. @defaultValue {@link defaultKeyToString} */
	readonly keyToString?: ToStringFunc<K> | undefined;
	/**
	 * godropbox's behaviour: a failing cache read or fill fails the call. When false, a failing
	 * cache read falls back to the storage and a failing fill is ignored, both counted in
	 * `stats.errors` and published on `godropbox-ts:caching:cache-error`.
	 * @defaultValue false
	 */
	readonly strict?: boolean | undefined;
	/**
	 * `"invalidate"`: after the storage write, the cache entry is removed (or tombstoned).
	 * `"write-through"`: the written item is stored in the cache (godropbox); if that fails the
	 * entry is removed instead. @defaultValue "invalidate"
	 */
	readonly writePolicy?: WritePolicy | undefined;
	/** TTL of items filled into (or written through to) the cache, ms; `undefined` = the cache's default. */
	readonly ttl?: number | undefined;
	/** Fraction (0–1) by which each fill's TTL is randomly shortened, to spread expiries. @defaultValue 0 */
	readonly ttlJitter?: number | undefined;
	/** Opt-in negative caching. @defaultValue undefined (misses are not cached) */
	readonly negativeCache?: NegativeCacheOptions<K, V> | undefined;
	/**
	 * Lifetime of the tombstone a write leaves in a {@link FillGuardedStorage} cache, ms: fills
	 * whose storage read began before the write are refused while it lives. Must exceed your
	 * slowest storage read. `0` turns the guard off (plain delete, plain set fills).
	 * @defaultValue 2000
	 */
	readonly tombstoneTtl?: number | undefined;
	/**
	 * Cross-process fill leases (needs a cache implementing {@link LeaseCapableStorage}, e.g.
	 * `MemcacheStorage`): on a miss, one caller per key across processes reads the storage;
	 * the others poll the cache for its fill. `ttl`: lease lifetime, ms (a crashed winner
	 * blocks others at most this long); `wait`: how long losers poll before reading the storage
	 * themselves, ms; `poll`: polling interval, ms. @defaultValue undefined (off)
	 */
	readonly lease?:
		| {
				readonly ttl?: number | undefined;
				readonly wait?: number | undefined;
				readonly poll?: number | undefined;
		  }
		| undefined;
	/**
	 * memcached meta-protocol leases, used by default when the cache implements
	 * {@link MetaLeaseStorage} (a `MemcacheStorage` over `createClient({ protocol: "meta" })`):
	 * on a miss one caller per key across processes wins the lease (`mg … N`) and reads the
	 * storage; its fill stores only if the key's CAS is unchanged (`ms … C`), so a fill that
	 * started before a write's invalidation stores nothing; the others poll for the fill.
	 * `false` turns the meta path off (then `tombstoneTtl` and `lease` apply).
	 *
	 * - `ttl`: lease stub lifetime, ms, rounded up to whole seconds (a crashed winner blocks the
	 *   key at most this long). @defaultValue 5000
	 * - `wait`: how long losers poll before reading the storage themselves (their fill is still
	 *   CAS-guarded), ms. @defaultValue 2000
	 * - `poll`: polling interval, ms. @defaultValue 10
	 * - `staleGrace`: ms. `0`: writes delete the cache entry (`md`). `> 0`: writes mark it stale
	 *   for this long (`md … I T`); a reader that loses the lease within it gets the old value
	 *   at once (counted in `staleServed`) while the winner refreshes. @defaultValue 0
	 * - `plainHits`: with `staleGrace` 0, read with the client's plain get first (coalesced,
	 *   as cheap as the binary path) and take the lease read only for keys it missed (one more
	 *   round trip on a miss). A plain get cannot see memcached's stale flag, so an item
	 *   another instance invalidated with `staleGrace > 0` reads as a hit here for at most that
	 *   grace period; use one `staleGrace` per key space, or `false` to always read with `mg`.
	 *   @defaultValue true
	 */
	readonly metaLease?:
		| false
		| {
				readonly ttl?: number | undefined;
				readonly wait?: number | undefined;
				readonly poll?: number | undefined;
				readonly staleGrace?: number | undefined;
				readonly plainHits?: boolean | undefined;
		  }
		| undefined;
	/** Random source in [0, 1) for jitter (inject for tests). @defaultValue Math.random */
	readonly random?: (() => number) | undefined;
}

/** Frozen defaults of {@link CacheOnStorageOptions}. */
export const DEFAULT_CACHE_ON_STORAGE_OPTIONS = Object.freeze({
	name: "cache-on-storage",
	strict: false,
	writePolicy: "invalidate" as WritePolicy,
	ttlJitter: 0,
	tombstoneTtl: 2000,
});

/** Counters of a {@link CacheOnStorage} (snapshot; names are stable). */
export interface CacheOnStorageStats {
	/** Keys served by the cache (negative hits included). */
	readonly hits: number;
	/** Keys the cache did not have (or could not be read for). */
	readonly misses: number;
	/** Items (and negative markers) written into the cache after a load. */
	readonly fills: number;
	/** Failures seen: cache and storage, handled or not. */
	readonly errors: number;
	/** Missed keys that joined a load already in flight instead of reading the storage. */
	readonly coalesced: number;
	/** Keys read from the storage. */
	readonly loads: number;
	/** Hits on negative markers. */
	readonly negativeHits: number;
	/** Fills not written: a write raced with the load, or the guarded cache refused the add. */
	readonly fillsSkipped: number;
	/** Keys invalidated in the cache after writes. */
	readonly invalidations: number;
	/** Failures of the cache layer (subset of `errors`). */
	readonly cacheErrors: number;
	/** Missed keys whose lease another caller held, so this one waited for its fill. */
	readonly leaseWaits: number;
	/** Lease waits that ended without a fill (the key was then read from the storage). */
	readonly leaseTimeouts: number;
	/** Meta path: missed keys whose lease this instance won (it read the storage and filled). */
	readonly leaseWins: number;
	/** Meta path: stale values served to lease losers within `metaLease.staleGrace`. */
	readonly staleServed: number;
}

interface ResolvedMetaLease {
	readonly ttl: number;
	readonly wait: number;
	readonly poll: number;
	readonly staleGrace: number;
}

interface ResolvedLease {
	readonly ttl: number;
	readonly wait: number;
	readonly poll: number;
}

interface Load<V> {
	promise: Promise<V | undefined>;
	/** Set when a write to the key completed while this load was in flight: do not fill. */
	invalidated: boolean;
	/** The cache write of this load's result, while in flight. */
	filling: Promise<unknown> | undefined;
}

type MutableStats = { -readonly [P in keyof CacheOnStorageStats]: number };

/**
 * A read-through cache over a backing storage (godropbox `caching/cache_on_storage.go`),
 * with the policies godropbox lacks:
 *
 * - a miss in both layers is not cached (unless `negativeCache` is set);
 * - a cache failure on read falls back to the storage (`strict: true` restores fail-the-read);
 * - writes go to the storage, then invalidate the cache entry (or write through), and if the
 *   cache cannot be updated the call rejects with {@link InvalidationFailedError};
 * - concurrent loads of one key in this process share one storage read (in `get`, and per key
 *   in `getMulti`), and a load that raced with a write does not fill the cache;
 * - with a {@link FillGuardedStorage} cache, fills use add-if-absent and writes leave a
 *   tombstone, so a fill from another process that read the storage before the write cannot
 *   store the old value while the tombstone lives.
 */
export class CacheOnStorage<K, V> implements Storage<K, V> {
	readonly name: string;
	readonly #cache: Storage<K, V>;
	readonly #guarded: FillGuardedStorage<K, V> | undefined;
	readonly #storage: Storage<K, V>;
	readonly #keyOf: KeyOfFunc<K, V>;
	readonly #ks: ToStringFunc<K>;
	readonly #strict: boolean;
	readonly #writeThrough: boolean;
	readonly #ttl: number | undefined;
	readonly #jitter: number;
	readonly #neg: NegativeCacheOptions<K, V> | undefined;
	readonly #tombstoneTtl: number;
	readonly #random: () => number;
	readonly #leaser: LeaseCapableStorage<K> | undefined;
	readonly #lease: ResolvedLease | undefined;
	readonly #meta: MetaLeaseStorage<K, V> | undefined;
	readonly #metaLease: ResolvedMetaLease;
	readonly #fast: FastRead<K, V> | undefined;
	/** Meta path with staleGrace 0: hits are read with the client's plain (coalesced) get. */
	readonly #plainFirst: boolean;
	/** Meta path with staleGrace: keys this instance invalidated → until when (ms). */
	readonly #wrote = new Map<string, number>();
	readonly #inflight = new Map<string, Load<V>>();
	readonly #s: MutableStats = {
		hits: 0,
		misses: 0,
		fills: 0,
		errors: 0,
		coalesced: 0,
		loads: 0,
		negativeHits: 0,
		fillsSkipped: 0,
		invalidations: 0,
		cacheErrors: 0,
		leaseWaits: 0,
		leaseTimeouts: 0,
		leaseWins: 0,
		staleServed: 0,
	};

	/**
	 * @param cache - the volatile layer (e.g. a `MemcacheStorage`); not closed by this class.
	 * @param storage - the persistent layer (e.g. a `SqlStorage`); not closed by this class.
	 * @throws {@link InvalidOptionError} (`ERR_CACHING_INVALID_OPTION`) for bad options.
	 */
	constructor(
		cache: Storage<K, V>,
		storage: Storage<K, V>,
		options: CacheOnStorageOptions<K, V>,
	) {
		if (typeof options?.keyOf !== "function")
			throw new InvalidOptionError(
				"keyOf",
				"keyOf must be a function (item) => key",
			);
		const d = DEFAULT_CACHE_ON_STORAGE_OPTIONS;
		const policy = options.writePolicy ?? d.writePolicy;
		if (policy !== "invalidate" && policy !== "write-through")
			throw new InvalidOptionError(
				"writePolicy",
				`writePolicy must be "invalidate" or "write-through", got ${String(policy)}`,
			);
		checkTtl("ttl", options.ttl);
		const jitter = options.ttlJitter ?? d.ttlJitter;
		if (!(jitter >= 0 && jitter <= 1))
			throw new InvalidOptionError(
				"ttlJitter",
				`ttlJitter must be in [0, 1], got ${String(jitter)}`,
			);
		const tomb = options.tombstoneTtl ?? d.tombstoneTtl;
		checkTtl("tombstoneTtl", tomb);
		const neg = options.negativeCache;
		if (neg !== undefined) {
			if (!(neg.ttl > 0) || !Number.isFinite(neg.ttl))
				throw new InvalidOptionError(
					"negativeCache.ttl",
					"negativeCache.ttl must be a number of ms > 0",
				);
			if (
				typeof neg.toItem !== "function" ||
				typeof neg.isNegative !== "function"
			)
				throw new InvalidOptionError(
					"negativeCache",
					"negativeCache needs toItem(key) and isNegative(item) functions",
				);
		}
		this.name = options.name ?? d.name;
		this.#cache = cache;
		const ml = options.metaLease;
		const mo = ml === false ? undefined : ml;
		const m: ResolvedMetaLease = {
			ttl: mo?.ttl ?? 5000,
			wait: mo?.wait ?? 2000,
			poll: mo?.poll ?? 10,
			staleGrace: mo?.staleGrace ?? 0,
		};
		for (const [k, v] of Object.entries(m))
			if (!(k === "staleGrace" ? v >= 0 : v > 0) || !Number.isFinite(v))
				throw new InvalidOptionError(
					`metaLease.${k}`,
					`metaLease.${k} must be a number of ms ${k === "staleGrace" ? ">= 0" : "> 0"}`,
				);
		this.#metaLease = m;
		this.#meta = ml !== false && isMetaLeaseStorage(cache) ? cache : undefined;
		this.#fast = fastReadOf<K, V>(cache);
		this.#plainFirst =
			this.#meta !== undefined &&
			m.staleGrace === 0 &&
			this.#fast !== undefined &&
			mo?.plainHits !== false;
		this.#guarded =
			this.#meta === undefined && tomb > 0 && isFillGuardedStorage(cache)
				? cache
				: undefined;
		this.#storage = storage;
		this.#keyOf = options.keyOf;
		this.#ks = options.keyToString ?? defaultKeyToString;
		this.#strict = options.strict ?? d.strict;
		this.#writeThrough = policy === "write-through";
		this.#ttl = options.ttl;
		this.#jitter = jitter;
		this.#neg = neg;
		this.#tombstoneTtl = tomb;
		this.#random = options.random ?? Math.random;
		const lease = options.lease;
		if (lease !== undefined) {
			if (!isLeaseCapableStorage<K>(cache))
				throw new InvalidOptionError(
					"lease",
					"lease needs a cache implementing acquireLeases/releaseLeases (e.g. MemcacheStorage)",
				);
			const r: ResolvedLease = {
				ttl: lease.ttl ?? 5000,
				wait: lease.wait ?? 2000,
				poll: lease.poll ?? 10,
			};
			for (const [k, v] of Object.entries(r))
				if (!(v > 0) || !Number.isFinite(v))
					throw new InvalidOptionError(
						`lease.${k}`,
						`lease.${k} must be a number of ms > 0`,
					);
			this.#leaser = cache;
			this.#lease = r;
		} else {
			this.#leaser = undefined;
			this.#lease = undefined;
		}
	}

	/** A snapshot of the counters. */
	get stats(): CacheOnStorageStats {
		return { ...this.#s };
	}

	/** Loads in flight (keys being read from the storage right now). */
	get inflight(): number {
		return this.#inflight.size;
	}

	/** Whether reads use memcached meta-protocol leases (see the `metaLease` option). */
	get metaLeases(): boolean {
		return this.#meta !== undefined;
	}

	/**
	 * Reads the cache; on a miss, reads the storage (one read per key in flight in this
	 * process) and fills the cache.
	 */
	get(key: K, options?: OperationOptions): Promise<V | undefined> {
		if (this.#meta !== undefined && !this.#plainFirst)
			return this.#metaGet(this.#meta, key, options);
		if (this.#fast !== undefined)
			return this.#fastGet(this.#fast, key, options);
		// Not async: the hit path is the cache's promise plus one reaction.
		let read: Promise<V | undefined>;
		try {
			read = this.#cache.get(key, options);
		} catch (err) {
			read = Promise.reject(err);
		}
		return read.then(
			(cached) =>
				cached !== undefined
					? this.#hit(cached)
					: this.#miss(key, true, options),
			(err: unknown) => {
				this.#cacheFailure("get", err);
				return this.#miss(key, false, options);
			},
		);
	}

	/**
	 * The hit path over a storage with a fast read (MemcacheStorage): the client's promise plus
	 * one reaction that decodes and counts; a decode failure is a cache failure, as in `get`.
	 */
	#fastGet(
		fast: FastRead<K, V>,
		key: K,
		options: OperationOptions | undefined,
	): Promise<V | undefined> {
		let read: Promise<unknown>;
		try {
			read = fast.read(key, options?.signal);
		} catch (err) {
			read = Promise.reject(err);
		}
		return read.then(
			(raw) => {
				let cached: V | undefined;
				try {
					cached = fast.decode(raw);
				} catch (err) {
					this.#cacheFailure("get", err);
					return this.#miss(key, false, options);
				}
				return cached !== undefined
					? this.#hit(cached)
					: this.#meta !== undefined
						? this.#plainMiss(this.#meta, key, options)
						: this.#miss(key, true, options);
			},
			(err: unknown) => {
				this.#cacheFailure("get", err);
				return this.#miss(key, false, options);
			},
		);
	}

	/**
	 * Meta path, plain read first: a key the plain get missed joins a load in flight in this
	 * process, or takes the lease read (`mg … N`), which may also find the item filled by now.
	 */
	#plainMiss(
		meta: MetaLeaseStorage<K, V>,
		key: K,
		options: OperationOptions | undefined,
	): Promise<V | undefined> {
		const running = this.#inflight.get(this.#ks(key));
		if (running !== undefined) {
			this.#s.misses++;
			return this.#join(running);
		}
		return this.#metaGet(meta, key, options);
	}

	#metaGet(
		meta: MetaLeaseStorage<K, V>,
		key: K,
		options: OperationOptions | undefined,
	): Promise<V | undefined> {
		let read: Promise<LeaseRead<V>>;
		try {
			read = meta.leaseGet(key, this.#metaLease.ttl, options);
		} catch (err) {
			read = Promise.reject(err);
		}
		return read.then(
			(r) =>
				r.state === "hit"
					? this.#hit(r.value as V)
					: this.#leaseMiss(key, r, options),
			(err: unknown) => {
				this.#cacheFailure("leaseGet", err);
				return this.#miss(key, false, options);
			},
		);
	}

	/** Meta path, one key the cache did not serve fresh. */
	#leaseMiss(
		key: K,
		r: LeaseRead<V>,
		options: OperationOptions | undefined,
	): V | undefined | Promise<V | undefined> {
		if (r.state === "bypass") return this.#miss(key, false, options);
		if (this.#serveStale(r, key)) return this.#staleValue(r.value as V, 1);
		this.#s.misses++;
		if (channels.miss.hasSubscribers)
			channels.miss.publish({ name: this.name, keys: 1 });
		const ks = this.#ks(key);
		// A winner always loads: an in-process waiter must not hold the lease we were given.
		if (r.state === "wait") {
			const running = this.#inflight.get(ks);
			if (running !== undefined) return this.#join(running);
		}
		return (this.#startMetaLoad([key], [ks], [r], options)[0] as Load<V>)
			.promise;
	}

	/**
	 * A lease loser may take the stale value within the grace period — unless this instance
	 * wrote the key during it: a process reads its own writes.
	 */
	#serveStale(r: LeaseRead<V>, key: K): boolean {
		if (
			r.state !== "wait" ||
			r.value === undefined ||
			this.#metaLease.staleGrace === 0
		)
			return false;
		if (this.#wrote.size === 0) return true;
		const ks = this.#ks(key);
		const until = this.#wrote.get(ks);
		if (until === undefined) return true;
		if (until > Date.now()) return false;
		this.#wrote.delete(ks);
		return true;
	}

	#staleValue(v: V, n: number): V | undefined {
		this.#s.hits += n;
		this.#s.staleServed += n;
		if (channels.staleServed.hasSubscribers)
			channels.staleServed.publish({ name: this.name, keys: n });
		return this.#neg?.isNegative(v) ? undefined : v;
	}

	#hit(cached: V): V | undefined {
		this.#s.hits++;
		if (channels.hit.hasSubscribers)
			channels.hit.publish({ name: this.name, keys: 1 });
		if (this.#neg?.isNegative(cached)) {
			this.#s.negativeHits++;
			return undefined;
		}
		return cached;
	}

	/** One key joins the load in flight for it in this process. */
	#join(running: Load<V>): Promise<V | undefined> {
		this.#s.coalesced++;
		if (channels.coalesced.hasSubscribers)
			channels.coalesced.publish({ name: this.name, keys: 1 });
		return running.promise;
	}

	#miss(
		key: K,
		cacheOk: boolean,
		options: OperationOptions | undefined,
	): Promise<V | undefined> {
		this.#s.misses++;
		if (channels.miss.hasSubscribers)
			channels.miss.publish({ name: this.name, keys: 1 });
		// Computed on the miss path only: the hit path stays one cache call.
		const ks = this.#ks(key);
		const running = this.#inflight.get(ks);
		if (running !== undefined) return this.#join(running);
		return (this.#startLoad([key], [ks], cacheOk, options)[0] as Load<V>)
			.promise;
	}

	/**
	 * One slot per key in input order. Cache misses are read from the storage in one
	 * `getMulti`, except keys already loading in this process, which join that load.
	 * Zero keys resolve `[]` without calling either layer (godropbox calls both with nothing).
	 */
	async getMulti(
		keys: readonly K[],
		options?: OperationOptions,
	): Promise<(V | undefined)[]> {
		const n = keys.length;
		if (n === 0) return [];
		let cached: readonly (V | undefined)[];
		let cacheOk = true;
		if (this.#meta !== undefined) {
			const got = this.#plainFirst
				? await this.#plainThenLease(this.#meta, keys, options)
				: await this.#leaseRead(this.#meta, keys, options);
			if (got !== undefined) return got;
			// The cache read failed: read the storage and never fill unguarded.
			cached = new Array<V | undefined>(n);
			cacheOk = false;
		} else
			try {
				cached = await this.#cache.getMulti(keys, options);
				if (cached.length !== n)
					throw new BadResultError(
						`cache getMulti returned ${cached.length} slots for ${n} keys`,
					);
			} catch (err) {
				this.#cacheFailure("getMulti", err);
				cached = new Array<V | undefined>(n);
				cacheOk = false;
			}
		const out = new Array<V | undefined>(n);
		const kss = new Array<string>(n);
		const waiting: number[] = [];
		const joined = new Map<string, Load<V>>();
		const newKeys: K[] = [];
		const newKss: string[] = [];
		let hits = 0;
		let coalesced = 0;
		for (let i = 0; i < n; i++) {
			const c = cached[i];
			if (c !== undefined) {
				hits++;
				if (this.#neg?.isNegative(c)) this.#s.negativeHits++;
				else out[i] = c;
				continue;
			}
			const ks = this.#ks(keys[i] as K);
			kss[i] = ks;
			waiting.push(i);
			if (joined.has(ks)) continue;
			const running = this.#inflight.get(ks);
			if (running !== undefined) {
				coalesced++;
				joined.set(ks, running);
			} else {
				newKeys.push(keys[i] as K);
				newKss.push(ks);
				joined.set(ks, undefined as unknown as Load<V>);
			}
		}
		this.#tally(hits, waiting.length, coalesced);
		if (waiting.length === 0) return out;
		if (newKeys.length > 0) {
			const loads = this.#startLoad(newKeys, newKss, cacheOk, options);
			for (let j = 0; j < loads.length; j++)
				joined.set(newKss[j] as string, loads[j] as Load<V>);
		}
		return this.#collect(out, waiting, kss, joined);
	}

	/** Counts and publishes one multi-key read's hits, misses and keys joining loads. */
	#tally(hits: number, misses: number, coalesced: number): void {
		this.#s.hits += hits;
		this.#s.misses += misses;
		this.#s.coalesced += coalesced;
		if (hits > 0 && channels.hit.hasSubscribers)
			channels.hit.publish({ name: this.name, keys: hits });
		if (misses > 0 && channels.miss.hasSubscribers)
			channels.miss.publish({ name: this.name, keys: misses });
		if (coalesced > 0 && channels.coalesced.hasSubscribers)
			channels.coalesced.publish({ name: this.name, keys: coalesced });
	}

	/** Writes the storage, then invalidates (default) or writes through to the cache. */
	async set(item: V, options?: SetOptions): Promise<void> {
		const key = this.#keyOf(item);
		await this.#write([key], [item], options, () =>
			this.#storage.set(item, options),
		);
	}

	/** Writes several items to the storage, then updates the cache as `set` does. */
	async setMulti(items: readonly V[], options?: SetOptions): Promise<void> {
		if (items.length === 0) return;
		const keys = items.map((it) => this.#keyOf(it));
		await this.#write(keys, items, options, () =>
			this.#storage.setMulti(items, options),
		);
	}

	/** Deletes from the storage, then invalidates the cache entry. */
	async delete(key: K, options?: OperationOptions): Promise<void> {
		await this.#write([key], undefined, options, () =>
			this.#storage.delete(key, options),
		);
	}

	/** Deletes several keys from the storage, then invalidates their cache entries. */
	async deleteMulti(
		keys: readonly K[],
		options?: OperationOptions,
	): Promise<void> {
		if (keys.length === 0) return;
		await this.#write(keys, undefined, options, () =>
			this.#storage.deleteMulti(keys, options),
		);
	}

	/** Flushes the storage, then the cache. */
	async flush(options?: OperationOptions): Promise<void> {
		try {
			await this.#storage.flush(options);
		} catch (err) {
			this.#s.errors++;
			throw err;
		}
		const pending: Promise<unknown>[] = [];
		for (const load of this.#inflight.values()) {
			load.invalidated = true;
			if (load.filling) pending.push(load.filling);
		}
		this.#inflight.clear();
		if (pending.length > 0) await Promise.allSettled(pending);
		try {
			await this.#cache.flush(options);
		} catch (err) {
			this.#cacheFailure("flush", err, false);
			throw new InvalidationFailedError([], err);
		}
	}

	/** Lease reads of `keys`, then the meta path; undefined when the cache read failed. */
	async #leaseRead(
		meta: MetaLeaseStorage<K, V>,
		keys: readonly K[],
		options: OperationOptions | undefined,
	): Promise<(V | undefined)[] | undefined> {
		let reads: LeaseRead<V>[];
		try {
			reads = await meta.leaseGetMulti(keys, this.#metaLease.ttl, options);
			if (reads.length !== keys.length)
				throw new BadResultError(
					`cache leaseGetMulti returned ${reads.length} slots for ${keys.length} keys`,
				);
		} catch (err) {
			this.#cacheFailure("leaseGetMulti", err);
			return undefined;
		}
		return this.#metaGetMulti(keys, reads, options);
	}

	/**
	 * Plain multi-get first (one `gets`); only the missed keys take lease reads. Undefined when
	 * the plain read failed.
	 */
	async #plainThenLease(
		meta: MetaLeaseStorage<K, V>,
		keys: readonly K[],
		options: OperationOptions | undefined,
	): Promise<(V | undefined)[] | undefined> {
		const n = keys.length;
		let plain: readonly (V | undefined)[];
		try {
			plain = await this.#cache.getMulti(keys, options);
			if (plain.length !== n)
				throw new BadResultError(
					`cache getMulti returned ${plain.length} slots for ${n} keys`,
				);
		} catch (err) {
			this.#cacheFailure("getMulti", err);
			return undefined;
		}
		const out = new Array<V | undefined>(n);
		const missed: number[] = [];
		let hits = 0;
		for (let i = 0; i < n; i++) {
			const v = plain[i];
			if (v === undefined) {
				missed.push(i);
				continue;
			}
			hits++;
			if (this.#neg?.isNegative(v)) this.#s.negativeHits++;
			else out[i] = v;
		}
		this.#tally(hits, 0, 0);
		if (missed.length === 0) return out;
		const rest = await this.#leaseRead(
			meta,
			missed.map((i) => keys[i] as K),
			options,
		);
		if (rest === undefined) return undefined;
		for (let j = 0; j < missed.length; j++) out[missed[j] as number] = rest[j];
		return out;
	}

	async #metaGetMulti(
		keys: readonly K[],
		reads: LeaseRead<V>[],
		options: OperationOptions | undefined,
	): Promise<(V | undefined)[]> {
		const n = keys.length;
		const out = new Array<V | undefined>(n);
		const kss = new Array<string>(n);
		const waiting: number[] = [];
		const joined = new Map<string, Load<V>>();
		const newKeys: K[] = [];
		const newKss: string[] = [];
		const newReads: LeaseRead<V>[] = [];
		let hits = 0;
		let coalesced = 0;
		const bypass: number[] = [];
		for (let i = 0; i < n; i++) {
			const r = reads[i] as LeaseRead<V>;
			if (r.state === "hit") {
				hits++;
				const v = r.value as V;
				if (this.#neg?.isNegative(v)) this.#s.negativeHits++;
				else out[i] = v;
				continue;
			}
			if (this.#serveStale(r, keys[i] as K)) {
				out[i] = this.#staleValue(r.value as V, 1);
				continue;
			}
			const ks = this.#ks(keys[i] as K);
			kss[i] = ks;
			waiting.push(i);
			if (joined.has(ks)) continue;
			if (r.state === "bypass") {
				bypass.push(i);
				joined.set(ks, undefined as unknown as Load<V>);
				continue;
			}
			const running = r.state === "wait" ? this.#inflight.get(ks) : undefined;
			if (running !== undefined) {
				coalesced++;
				joined.set(ks, running);
			} else {
				newKeys.push(keys[i] as K);
				newKss.push(ks);
				newReads.push(r);
				joined.set(ks, undefined as unknown as Load<V>);
			}
		}
		this.#tally(hits, waiting.length, coalesced);
		if (waiting.length === 0) return out;
		if (newKeys.length > 0) {
			const loads = this.#startMetaLoad(newKeys, newKss, newReads, options);
			for (let j = 0; j < loads.length; j++)
				joined.set(newKss[j] as string, loads[j] as Load<V>);
		}
		if (bypass.length > 0) {
			// Not leasable now (tombstone, skipped shard): read, do not fill; still coalesced.
			const bKeys: K[] = [];
			const bKss: string[] = [];
			for (const i of bypass) {
				const ks = kss[i] as string;
				const running = this.#inflight.get(ks);
				if (running !== undefined) joined.set(ks, running);
				else {
					bKeys.push(keys[i] as K);
					bKss.push(ks);
				}
			}
			if (bKeys.length > 0) {
				const loads = this.#startLoad(bKeys, bKss, false, options);
				for (let j = 0; j < loads.length; j++)
					joined.set(bKss[j] as string, loads[j] as Load<V>);
			}
		}
		return this.#collect(out, waiting, kss, joined);
	}

	/** Waits for the loads of the `waiting` positions and puts their values in `out`. */
	async #collect(
		out: (V | undefined)[],
		waiting: readonly number[],
		kss: readonly string[],
		joined: ReadonlyMap<string, Load<V>>,
	): Promise<(V | undefined)[]> {
		const values = await Promise.all(
			waiting.map((i) => (joined.get(kss[i] as string) as Load<V>).promise),
		);
		for (let j = 0; j < waiting.length; j++)
			out[waiting[j] as number] = values[j];
		return out;
	}

	#register(kss: readonly string[]): Load<V>[] {
		return kss.map(() => ({
			promise: undefined as unknown as Promise<V | undefined>,
			invalidated: false,
			filling: undefined,
		}));
	}

	#track(
		kss: readonly string[],
		loads: Load<V>[],
		batch: Promise<(V | undefined)[]>,
	): void {
		for (let i = 0; i < loads.length; i++) {
			const load = loads[i] as Load<V>;
			const ks = kss[i] as string;
			load.promise = batch.then((items) => items[i]);
			this.#inflight.set(ks, load);
			const clear = (): void => {
				if (this.#inflight.get(ks) === load) this.#inflight.delete(ks);
			};
			load.promise.then(clear, clear);
		}
	}

	#startMetaLoad(
		keys: K[],
		kss: string[],
		reads: LeaseRead<V>[],
		options: OperationOptions | undefined,
	): Load<V>[] {
		const loads = this.#register(kss);
		this.#track(
			kss,
			loads,
			this.#metaLoad(
				this.#meta as MetaLeaseStorage<K, V>,
				keys,
				loads,
				reads,
				options,
			),
		);
		return loads;
	}

	/**
	 * Meta path for keys the cache did not serve: winners read the storage and fill with
	 * their lease's CAS; losers poll the cache (with leases, so one of them takes over a
	 * released or expired lease) until a fill lands, a stale value may be served, or `wait`
	 * ms pass — then they read the storage themselves and fill with the CAS they last saw.
	 * Every fill is CAS-guarded: the CAS was read before the storage read, so a write whose
	 * invalidation came after that read changed the CAS and the fill stores nothing.
	 */
	async #metaLoad(
		meta: MetaLeaseStorage<K, V>,
		keys: K[],
		loads: Load<V>[],
		reads: LeaseRead<V>[],
		options: OperationOptions | undefined,
	): Promise<(V | undefined)[]> {
		// Let #track register the loads before anything can settle.
		await undefined;
		const ml = this.#metaLease;
		const out = new Array<V | undefined>(keys.length);
		const reading: Promise<void>[] = [];
		const read = (idx: number[], tokens: bigint[]): void => {
			const p = this.#readAndFill(meta, keys, loads, idx, tokens, out, options);
			p.catch(() => {}); // handled by the Promise.all below
			reading.push(p);
		};
		// The CAS token last read per position: a fill must present it.
		const tokens = reads.map((r) => r.token);
		const tokensOf = (idx: number[]): bigint[] =>
			idx.map((i) => tokens[i] as bigint);
		const win: number[] = [];
		const waiting: number[] = [];
		for (let i = 0; i < keys.length; i++)
			((reads[i] as LeaseRead<V>).state === "win" ? win : waiting).push(i);
		this.#won(win.length);
		if (win.length > 0) read(win, tokensOf(win));
		if (waiting.length > 0) {
			this.#s.leaseWaits += waiting.length;
			if (channels.leaseWait.hasSubscribers)
				channels.leaseWait.publish({ name: this.name, keys: waiting.length });
			const left = await this.#pollWaiting(ml, waiting, async (polled) => {
				let got: LeaseRead<V>[];
				try {
					got = await meta.leaseGetMulti(
						polled.map((i) => keys[i] as K),
						ml.ttl,
						options,
					);
				} catch (err) {
					this.#cacheFailure("leaseGetMulti", err);
					return { still: polled, stop: true };
				}
				const still: number[] = [];
				const nowWon: number[] = [];
				const nofill: number[] = [];
				for (let j = 0; j < polled.length; j++) {
					const i = polled[j] as number;
					const r = got[j] as LeaseRead<V>;
					if (r.state === "hit") {
						const v = r.value as V;
						out[i] = this.#neg?.isNegative(v) ? undefined : v;
					} else if (r.state === "win") {
						nowWon.push(i);
						tokens[i] = r.token;
					} else if (r.state === "bypass") nofill.push(i);
					else if (this.#serveStale(r, keys[i] as K))
						out[i] = this.#staleValue(r.value as V, 1);
					else {
						still.push(i);
						tokens[i] = r.token;
					}
				}
				this.#won(nowWon.length);
				if (nowWon.length > 0) read(nowWon, tokensOf(nowWon));
				if (nofill.length > 0)
					read(
						nofill,
						nofill.map(() => 0n),
					);
				return { still, stop: false };
			});
			if (left.length > 0) {
				this.#s.leaseTimeouts += left.length;
				read(left, tokensOf(left));
			}
		}
		await Promise.all(reading);
		return out;
	}

	/**
	 * Waits for another filler: every `poll` ms, `round` polls the cache for the `waiting`
	 * positions and returns those still waiting, and `stop` when the cache failed.
	 * Bounded: at most `wait` / `poll` rounds. Returns the positions left waiting.
	 */
	async #pollWaiting(
		timing: { readonly wait: number; readonly poll: number },
		waiting: number[],
		round: (waiting: number[]) => Promise<{ still: number[]; stop: boolean }>,
	): Promise<number[]> {
		const deadline = Date.now() + timing.wait;
		while (waiting.length > 0 && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, timing.poll));
			const r = await round(waiting);
			waiting = r.still;
			if (r.stop) break;
		}
		return waiting;
	}

	#won(n: number): void {
		if (n === 0) return;
		this.#s.leaseWins += n;
		if (channels.leaseWin.hasSubscribers)
			channels.leaseWin.publish({ name: this.name, keys: n });
	}

	/** Reads `idx` from the storage and fills them with their CAS tokens (0n = no fill). */
	async #readAndFill(
		meta: MetaLeaseStorage<K, V>,
		keys: K[],
		loads: Load<V>[],
		idx: number[],
		tokens: bigint[],
		out: (V | undefined)[],
		options: OperationOptions | undefined,
	): Promise<void> {
		const readKeys = idx.map((i) => keys[i] as K);
		let items: (V | undefined)[];
		try {
			items = await this.#readStorage(readKeys, options);
		} catch (err) {
			this.#release(meta, readKeys, tokens);
			throw err;
		}
		const found: V[] = [];
		const foundTokens: bigint[] = [];
		const negative: V[] = [];
		const negativeTokens: bigint[] = [];
		const filling: Load<V>[] = [];
		const release: K[] = [];
		const releaseTokens: bigint[] = [];
		let skipped = 0;
		for (let j = 0; j < idx.length; j++) {
			const i = idx[j] as number;
			const item = items[j];
			out[i] = item;
			const token = tokens[j] as bigint;
			if (token === 0n) continue;
			const load = loads[i] as Load<V>;
			// A write in this process invalidated the key meanwhile: our value may be older, so no
			// fill. Its delete usually removed our stub already, but it may have reached memcached
			// before our `mg` created it (another pooled connection): then the stub would make the
			// next reader wait `wait` out. `md C<token>` drops it only if it is still ours.
			if (load.invalidated) {
				skipped++;
				release.push(keys[i] as K);
				releaseTokens.push(token);
				continue;
			}
			if (item !== undefined) {
				found.push(item);
				foundTokens.push(token);
			} else if (this.#neg !== undefined) {
				negative.push(this.#neg.toItem(keys[i] as K));
				negativeTokens.push(token);
			} else {
				// Nothing to fill: drop our stub so the next reader need not wait it out.
				release.push(keys[i] as K);
				releaseTokens.push(token);
				continue;
			}
			filling.push(load);
		}
		this.#skip(skipped);
		if (release.length > 0) this.#release(meta, release, releaseTokens);
		if (filling.length === 0) return;
		await this.#fillFoundAndNegative(
			filling,
			found,
			negative,
			async (list, ttl, isNegative) => {
				const stored = await meta.leaseFill(
					list,
					isNegative ? negativeTokens : foundTokens,
					ttl === undefined ? {} : { ttl },
				);
				const ok = this.#countStored(stored, list.length);
				if (ok > 0 && channels.fill.hasSubscribers)
					channels.fill.publish({ name: this.name, keys: ok });
			},
		);
	}

	/**
	 * Reads `keys` from the storage (`get` for one key, else `getMulti`), counting the loads;
	 * a failure or a wrong slot count is counted as an error and rethrown.
	 */
	async #readStorage(
		keys: readonly K[],
		options: OperationOptions | undefined,
	): Promise<(V | undefined)[]> {
		let items: (V | undefined)[];
		try {
			items =
				keys.length === 1
					? [await this.#storage.get(keys[0] as K, options)]
					: await this.#storage.getMulti(keys, options);
			if (items.length !== keys.length)
				throw new BadResultError(
					`storage getMulti returned ${items.length} slots for ${keys.length} keys`,
				);
		} catch (err) {
			this.#s.errors++;
			throw err;
		}
		this.#s.loads += keys.length;
		return items;
	}

	#release(
		meta: MetaLeaseStorage<K, V>,
		keys: K[],
		tokens: readonly bigint[],
	): void {
		meta
			.leaseRelease(keys, tokens)
			.catch((err: unknown) => this.#cacheFailure("leaseRelease", err, false));
	}

	#cacheFailure(op: string, err: unknown, mayThrow = true): void {
		this.#s.errors++;
		this.#s.cacheErrors++;
		if (channels.cacheError.hasSubscribers)
			channels.cacheError.publish({
				name: this.name,
				operation: op,
				error: err,
			});
		if (mayThrow && this.#strict) throw new CacheFailedError(op, err);
	}

	#startLoad(
		keys: K[],
		kss: string[],
		fill: boolean,
		options: OperationOptions | undefined,
	): Load<V>[] {
		const loads = this.#register(kss);
		this.#track(kss, loads, this.#load(keys, loads, fill, options));
		return loads;
	}

	async #load(
		keys: K[],
		loads: Load<V>[],
		fill: boolean,
		options: OperationOptions | undefined,
	): Promise<(V | undefined)[]> {
		// Let #startLoad register the loads before anything can settle.
		await undefined;
		const out = new Array<V | undefined>(keys.length);
		let idx: number[] | undefined;
		let leased: K[] = [];
		if (
			fill &&
			this.#meta === undefined &&
			this.#leaser !== undefined &&
			this.#lease !== undefined
		) {
			const r = await this.#leaseOrWait(
				this.#leaser,
				this.#lease,
				keys,
				out,
				options,
			);
			idx = r.read;
			leased = r.leased;
			if (idx.length === 0) return out;
		}
		const readKeys = idx === undefined ? keys : idx.map((i) => keys[i] as K);
		try {
			const items = await this.#readStorage(readKeys, options);
			if (idx === undefined) {
				for (let j = 0; j < items.length; j++) out[j] = items[j];
				if (fill) await this.#fill(keys, items, loads);
			} else {
				for (let j = 0; j < idx.length; j++) out[idx[j] as number] = items[j];
				await this.#fill(
					readKeys,
					items,
					idx.map((i) => loads[i] as Load<V>),
				);
			}
			return out;
		} finally {
			if (leased.length > 0)
				this.#leaser
					?.releaseLeases(leased)
					.catch((err: unknown) =>
						this.#cacheFailure("releaseLeases", err, false),
					);
		}
	}

	/**
	 * Cross-process fill leases: per missed key, one caller (in any process) wins the lease
	 * and reads the storage; the others poll the cache for its fill until `wait` ms, then
	 * read the storage themselves. Returns the positions still to read and the keys leased.
	 */
	async #leaseOrWait(
		leaser: LeaseCapableStorage<K>,
		lease: ResolvedLease,
		keys: K[],
		out: (V | undefined)[],
		options: OperationOptions | undefined,
	): Promise<{ read: number[]; leased: K[] }> {
		let won: boolean[];
		try {
			won = await leaser.acquireLeases(keys, lease.ttl);
		} catch (err) {
			this.#cacheFailure("acquireLeases", err);
			return { read: keys.map((_, i) => i), leased: [] };
		}
		const read: number[] = [];
		const leased: K[] = [];
		const waiting: number[] = [];
		for (let i = 0; i < keys.length; i++) {
			if (won[i]) {
				read.push(i);
				leased.push(keys[i] as K);
			} else waiting.push(i);
		}
		if (waiting.length === 0) return { read, leased };
		this.#s.leaseWaits += waiting.length;
		if (channels.leaseWait.hasSubscribers)
			channels.leaseWait.publish({ name: this.name, keys: waiting.length });
		const left = await this.#pollWaiting(lease, waiting, async (polled) => {
			let got: (V | undefined)[];
			try {
				got = await this.#cache.getMulti(
					polled.map((i) => keys[i] as K),
					options,
				);
			} catch (err) {
				this.#cacheFailure("getMulti", err);
				return { still: polled, stop: true };
			}
			const still: number[] = [];
			for (let j = 0; j < polled.length; j++) {
				const v = got[j];
				const i = polled[j] as number;
				if (v === undefined) still.push(i);
				else out[i] = this.#neg?.isNegative(v) ? undefined : v;
			}
			if (still.length === 0) return { still, stop: false };
			// A leader that released its lease without a fill (a tombstone refused it, or the
			// key is absent): the next waiter takes the lease over instead of waiting it out.
			let retaken: boolean[];
			try {
				retaken = await leaser.acquireLeases(
					still.map((i) => keys[i] as K),
					lease.ttl,
				);
			} catch (err) {
				this.#cacheFailure("acquireLeases", err);
				return { still, stop: true };
			}
			const keep: number[] = [];
			for (let j = 0; j < still.length; j++) {
				const i = still[j] as number;
				if (retaken[j]) {
					read.push(i);
					leased.push(keys[i] as K);
				} else keep.push(i);
			}
			return { still: keep, stop: false };
		});
		this.#s.leaseTimeouts += left.length;
		return { read: [...read, ...left].sort((a, b) => a - b), leased };
	}

	async #fill(
		keys: K[],
		items: (V | undefined)[],
		loads: Load<V>[],
	): Promise<void> {
		const found: V[] = [];
		const negative: V[] = [];
		const filling: Load<V>[] = [];
		let skipped = 0;
		for (let i = 0; i < keys.length; i++) {
			const load = loads[i] as Load<V>;
			// A write to this key completed while we were reading: our value may be older.
			if (load.invalidated) {
				skipped++;
				continue;
			}
			const item = items[i];
			if (item !== undefined) found.push(item);
			else if (this.#neg !== undefined)
				negative.push(this.#neg.toItem(keys[i] as K));
			else continue;
			filling.push(load);
		}
		this.#skip(skipped);
		if (filling.length === 0) return;
		await this.#fillFoundAndNegative(filling, found, negative, (list, ttl) =>
			this.#put(list, ttl),
		);
	}

	/**
	 * Writes the items found (cache TTL) and the negative-cache items (their TTL), both
	 * jittered, with `put`; `filling` loads point at the writes until they land (a write
	 * invalidating the key waits for them). A failed write is a cache failure.
	 */
	async #fillFoundAndNegative(
		filling: readonly Load<V>[],
		found: V[],
		negative: V[],
		put: (
			items: V[],
			ttl: number | undefined,
			isNegative: boolean,
		) => Promise<void>,
	): Promise<void> {
		const writes: Promise<void>[] = [];
		if (found.length > 0)
			writes.push(
				put(found, jitterTtl(this.#ttl, this.#jitter, this.#random), false),
			);
		if (negative.length > 0)
			writes.push(
				put(
					negative,
					jitterTtl(this.#neg?.ttl, this.#jitter, this.#random),
					true,
				),
			);
		const done =
			writes.length === 1 ? (writes[0] as Promise<void>) : Promise.all(writes);
		for (const load of filling) load.filling = done;
		try {
			await done;
		} catch (err) {
			this.#cacheFailure("fill", err);
		} finally {
			for (const load of filling) load.filling = undefined;
		}
	}

	/** Counts the CAS/add-guarded fills stored and skipped; returns the number stored. */
	#countStored(stored: readonly boolean[], n: number): number {
		let ok = 0;
		for (const s of stored) if (s) ok++;
		this.#s.fills += ok;
		this.#skip(n - ok);
		return ok;
	}

	async #put(items: V[], ttl: number | undefined): Promise<void> {
		const options: SetOptions = ttl === undefined ? {} : { ttl };
		if (this.#guarded !== undefined)
			this.#countStored(
				await this.#guarded.addMulti(items, options),
				items.length,
			);
		else {
			if (items.length === 1) await this.#cache.set(items[0] as V, options);
			else await this.#cache.setMulti(items, options);
			this.#s.fills += items.length;
		}
		if (channels.fill.hasSubscribers)
			channels.fill.publish({ name: this.name, keys: items.length });
	}

	#skip(n: number): void {
		if (n === 0) return;
		this.#s.fillsSkipped += n;
		if (channels.fillSkipped.hasSubscribers)
			channels.fillSkipped.publish({ name: this.name, keys: n });
	}

	async #write(
		keys: readonly K[],
		items: readonly V[] | undefined,
		options: SetOptions | undefined,
		write: () => Promise<void>,
	): Promise<void> {
		const kss = keys.map((k) => this.#ks(k));
		try {
			await write();
		} catch (err) {
			this.#s.errors++;
			// The write may have been applied (a timeout after commit, a partial multi-op):
			// invalidate anyway, best effort, and report the storage's error.
			await this.#invalidate(keys, kss).catch(() => {});
			throw err;
		}
		if (items !== undefined && this.#writeThrough) {
			const pending = this.#markInvalidated(kss);
			if (pending.length > 0) await Promise.allSettled(pending);
			try {
				const ttl = jitterTtl(
					options?.ttl ?? this.#ttl,
					this.#jitter,
					this.#random,
				);
				const o: SetOptions = ttl === undefined ? {} : { ttl };
				if (items.length === 1) await this.#cache.set(items[0] as V, o);
				else await this.#cache.setMulti(items, o);
				return;
			} catch (err) {
				this.#cacheFailure("set", err, false);
				// Fall through: remove what may now be stale.
			}
		}
		await this.#invalidate(keys, kss);
	}

	#rememberWrites(kss: readonly string[], grace: number): void {
		const now = Date.now();
		if (this.#wrote.size >= 10_000)
			for (const [ks, until] of this.#wrote)
				if (until <= now) this.#wrote.delete(ks);
		// memcached keeps the stale item up to one second longer than asked (whole seconds).
		const until = now + Math.ceil(grace / 1000) * 1000 + 1000;
		for (const ks of kss) this.#wrote.set(ks, until);
	}

	#markInvalidated(kss: readonly string[]): Promise<unknown>[] {
		const pending: Promise<unknown>[] = [];
		for (const ks of kss) {
			const load = this.#inflight.get(ks);
			if (load === undefined) continue;
			load.invalidated = true;
			this.#inflight.delete(ks);
			if (load.filling) pending.push(load.filling);
		}
		return pending;
	}

	async #invalidate(keys: readonly K[], kss: readonly string[]): Promise<void> {
		const pending = this.#markInvalidated(kss);
		// A fill already sent for a racing load must land before our delete, not after it.
		if (pending.length > 0) await Promise.allSettled(pending);
		try {
			if (this.#meta !== undefined) {
				const grace = this.#metaLease.staleGrace;
				await this.#meta.leaseInvalidate(keys, grace);
				if (grace > 0) this.#rememberWrites(kss, grace);
			} else if (this.#guarded !== undefined)
				await this.#guarded.invalidateMulti(keys, this.#tombstoneTtl);
			else if (keys.length === 1) await this.#cache.delete(keys[0] as K);
			else await this.#cache.deleteMulti(keys);
		} catch (err) {
			this.#cacheFailure("invalidate", err, false);
			throw new InvalidationFailedError(keys, err);
		}
		this.#s.invalidations += keys.length;
		if (channels.invalidate.hasSubscribers)
			channels.invalidate.publish({ name: this.name, keys: keys.length });
	}
}
