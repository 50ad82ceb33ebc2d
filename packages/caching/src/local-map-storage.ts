import { InvalidOptionError } from "./errors.js";
import { checkTtl } from "./internal/ttl.js";
import {
	defaultKeyToString,
	type KeyOfFunc,
	type ToStringFunc,
} from "./keys.js";
import type {
	FillGuardedStorage,
	OperationOptions,
	SetOptions,
} from "./storage.js";

/** Options of {@link LocalMapStorage}. */
export interface LocalMapStorageOptions<K, V> {
	/** Name used in errors and events. @defaultValue "local-map" */
	readonly name?: string | undefined;
	/** Derives an item's key (godropbox's item-to-key-string function, before `keyToString`). */
	readonly keyOf: KeyOfFunc<K, V>;
	/** Turns a key into the map key. @defaultValue {@link defaultKeyToString} */
	readonly keyToString?: ToStringFunc<K> | undefined;
	/**
	 * Maximum number of entries; inserting beyond it evicts the least recently used one.
	 * `Infinity` makes the map unbounded (godropbox's behaviour).
	 * @defaultValue 10_000
	 */
	readonly maxEntries?: number | undefined;
	/** Default time to live of items, ms; `0` = no expiry. @defaultValue 0 */
	readonly ttl?: number | undefined;
	/** Clock in ms (inject for tests). @defaultValue Date.now */
	readonly now?: (() => number) | undefined;
}

/** Frozen defaults of {@link LocalMapStorageOptions}. */
export const DEFAULT_LOCAL_MAP_STORAGE_OPTIONS = Object.freeze({
	name: "local-map",
	maxEntries: 10_000,
	ttl: 0,
});

interface Entry<V> {
	/** `undefined` marks a tombstone. */
	item: V | undefined;
	/** Absolute expiry in ms, 0 = never. */
	expiresAt: number;
}

/**
 * An in-process storage (godropbox `caching/local_map_storage.go`), bounded: LRU eviction at
 * `maxEntries`, optional TTL per storage and per set. Items are stored by reference, as in Go:
 * mutating an object after `set` changes what `get` returns.
 *
 * It also implements {@link FillGuardedStorage} (tombstones + add), so a
 * {@link CacheOnStorage} over it gets the race-free fill path.
 */
export class LocalMapStorage<K, V> implements FillGuardedStorage<K, V> {
	readonly name: string;
	readonly #keyOf: KeyOfFunc<K, V>;
	readonly #keyToString: ToStringFunc<K>;
	readonly #max: number;
	readonly #ttl: number;
	readonly #now: () => number;
	#map = new Map<string, Entry<V>>();

	/** @throws {@link InvalidOptionError} (`ERR_CACHING_INVALID_OPTION`) for bad options. */
	constructor(options: LocalMapStorageOptions<K, V>) {
		if (typeof options?.keyOf !== "function")
			throw new InvalidOptionError(
				"keyOf",
				"keyOf must be a function (item) => key",
			);
		const max =
			options.maxEntries ?? DEFAULT_LOCAL_MAP_STORAGE_OPTIONS.maxEntries;
		if (
			!(max >= 1) ||
			(!Number.isInteger(max) && max !== Number.POSITIVE_INFINITY)
		)
			throw new InvalidOptionError(
				"maxEntries",
				`maxEntries must be an integer ≥ 1 or Infinity, got ${String(max)}`,
			);
		checkTtl("ttl", options.ttl);
		this.name = options.name ?? DEFAULT_LOCAL_MAP_STORAGE_OPTIONS.name;
		this.#keyOf = options.keyOf;
		this.#keyToString = options.keyToString ?? defaultKeyToString;
		this.#max = max;
		this.#ttl = options.ttl ?? DEFAULT_LOCAL_MAP_STORAGE_OPTIONS.ttl;
		this.#now = options.now ?? Date.now;
	}

	/** Number of entries held, including not-yet-purged expired ones and tombstones. */
	get size(): number {
		return this.#map.size;
	}

	#lookup(ks: string): V | undefined {
		const e = this.#map.get(ks);
		if (e === undefined) return undefined;
		if (e.expiresAt !== 0 && e.expiresAt <= this.#now()) {
			this.#map.delete(ks);
			return undefined;
		}
		if (e.item === undefined) return undefined;
		// Re-insert: Map keeps insertion order, so the first key is the least recently used.
		this.#map.delete(ks);
		this.#map.set(ks, e);
		return e.item;
	}

	#store(ks: string, item: V | undefined, ttl: number | undefined): void {
		const t = ttl ?? this.#ttl;
		this.#map.delete(ks);
		this.#map.set(ks, { item, expiresAt: t === 0 ? 0 : this.#now() + t });
		while (this.#map.size > this.#max) {
			const oldest = this.#map.keys().next().value as string;
			this.#map.delete(oldest);
		}
	}

	#itemKey(item: V): string {
		return this.#keyToString(this.#keyOf(item));
	}

	async get(key: K, _options?: OperationOptions): Promise<V | undefined> {
		return this.#lookup(this.#keyToString(key));
	}

	async getMulti(
		keys: readonly K[],
		_options?: OperationOptions,
	): Promise<(V | undefined)[]> {
		const out: (V | undefined)[] = new Array(keys.length);
		for (let i = 0; i < keys.length; i++)
			out[i] = this.#lookup(this.#keyToString(keys[i] as K));
		return out;
	}

	async set(item: V, options?: SetOptions): Promise<void> {
		checkTtl("ttl", options?.ttl);
		this.#store(this.#itemKey(item), item, options?.ttl);
	}

	async setMulti(items: readonly V[], options?: SetOptions): Promise<void> {
		checkTtl("ttl", options?.ttl);
		for (const item of items)
			this.#store(this.#itemKey(item), item, options?.ttl);
	}

	async delete(key: K, _options?: OperationOptions): Promise<void> {
		this.#map.delete(this.#keyToString(key));
	}

	async deleteMulti(
		keys: readonly K[],
		_options?: OperationOptions,
	): Promise<void> {
		for (const key of keys) this.#map.delete(this.#keyToString(key));
	}

	async flush(_options?: OperationOptions): Promise<void> {
		this.#map = new Map();
	}

	async addMulti(
		items: readonly V[],
		options?: SetOptions,
	): Promise<boolean[]> {
		checkTtl("ttl", options?.ttl);
		const now = this.#now();
		return items.map((item) => {
			const ks = this.#itemKey(item);
			const e = this.#map.get(ks);
			if (e !== undefined && (e.expiresAt === 0 || e.expiresAt > now))
				return false;
			this.#store(ks, item, options?.ttl);
			return true;
		});
	}

	async invalidateMulti(
		keys: readonly K[],
		tombstoneTtl: number,
		_options?: OperationOptions,
	): Promise<void> {
		checkTtl("tombstoneTtl", tombstoneTtl);
		for (const key of keys)
			this.#store(this.#keyToString(key), undefined, Math.max(1, tombstoneTtl));
	}
}
