import type {
	GetResponse,
	Item as MemcacheItem,
	MutateResponse,
	RequestOptions,
	Response,
} from "@godropbox-ts/memcache";
import { type Codec, jsonCodec } from "./codec.js";
import {
	BackendError,
	ClosedError,
	CodecError,
	InvalidOptionError,
} from "./errors.js";
import { checkTtl } from "./internal/ttl.js";
import {
	defaultKeyToString,
	type KeyOfFunc,
	type ToStringFunc,
} from "./keys.js";
import type {
	FillGuardedStorage,
	LeaseCapableStorage,
	OperationOptions,
	SetOptions,
} from "./storage.js";

/**
 * The part of `@godropbox-ts/memcache`'s `Client` a {@link MemcacheStorage} uses; a
 * `ShardedClient` from `createClient({ servers, protocol })` satisfies it.
 */
export interface MemcacheStorageClient {
	get(key: string, options?: RequestOptions): Promise<GetResponse>;
	getMulti(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<Map<string, GetResponse>>;
	set(item: MemcacheItem, options?: RequestOptions): Promise<MutateResponse>;
	setMulti(
		items: readonly MemcacheItem[],
		options?: RequestOptions,
	): Promise<MutateResponse[]>;
	addMulti(
		items: readonly MemcacheItem[],
		options?: RequestOptions,
	): Promise<MutateResponse[]>;
	delete(key: string, options?: RequestOptions): Promise<MutateResponse>;
	deleteMulti(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<MutateResponse[]>;
	flush(expiration: number, options?: RequestOptions): Promise<Response>;
}

/** Options of {@link MemcacheStorage}. */
export interface MemcacheStorageOptions<K, V> {
	/** Name in errors. @defaultValue "memcache" */
	readonly name?: string | undefined;
	/** Derives an item's key. */
	readonly keyOf: KeyOfFunc<K, V>;
	/** Turns a key into the memcache key (after `prefix`). @defaultValue {@link defaultKeyToString} */
	readonly keyToString?: ToStringFunc<K> | undefined;
	/** Prepended to every key (the whole key must stay ≤ 250 bytes, no spaces). @defaultValue "" */
	readonly prefix?: string | undefined;
	/** Item ↔ bytes. @defaultValue {@link jsonCodec} */
	readonly codec?: Codec<V> | undefined;
	/**
	 * Default TTL of written items, ms, rounded **up** to whole seconds (memcached's unit);
	 * `0` = no expiry. @defaultValue 0
	 */
	readonly ttl?: number | undefined;
}

// memcached statuses (godropbox memcache/constants.go).
const NO_ERROR = 0x0000;
const KEY_NOT_FOUND = 0x0001;
const KEY_EXISTS = 0x0002;
const ITEM_NOT_STORED = 0x0005;
/** Item flags marking what MemcacheStorage wrote: an item or a fill-guard tombstone. */
export const MEMCACHE_ITEM_FLAGS = 0xc0de01;
const TOMBSTONE_FLAGS = 0xc0de00;
const LEASE_FLAGS = 0xc0de02;
const EMPTY = new Uint8Array(0);
const THIRTY_DAYS_S = 2_592_000;

/** ms → memcached expiration (seconds, absolute beyond 30 days). */
function expiration(ttlMs: number): number {
	if (ttlMs === 0) return 0;
	const s = Math.ceil(ttlMs / 1000);
	return s > THIRTY_DAYS_S ? Math.floor(Date.now() / 1000) + s : s;
}

/**
 * A storage on memcached through `@godropbox-ts/memcache` (sharded across servers by the
 * client). Multi operations are one `getMulti`/`setMulti`/`deleteMulti` call, which the client
 * pipelines per shard. Items go through a codec; their flags mark items and tombstones, so
 * the storage implements the {@link FillGuardedStorage} capability with `add` and tombstones.
 *
 * The client is yours: {@link MemcacheStorage.close} does not close it.
 */
export class MemcacheStorage<K, V>
	implements FillGuardedStorage<K, V>, LeaseCapableStorage<K>
{
	readonly name: string;
	readonly #client: MemcacheStorageClient;
	readonly #keyOf: KeyOfFunc<K, V>;
	readonly #keyToString: ToStringFunc<K>;
	readonly #prefix: string;
	readonly #codec: Codec<V>;
	readonly #ttl: number;
	#closed = false;

	/** @throws {@link InvalidOptionError} (`ERR_CACHING_INVALID_OPTION`) for bad options. */
	constructor(
		client: MemcacheStorageClient,
		options: MemcacheStorageOptions<K, V>,
	) {
		if (typeof options?.keyOf !== "function")
			throw new InvalidOptionError(
				"keyOf",
				"keyOf must be a function (item) => key",
			);
		checkTtl("ttl", options.ttl);
		this.name = options.name ?? "memcache";
		this.#client = client;
		this.#keyOf = options.keyOf;
		this.#keyToString = options.keyToString ?? defaultKeyToString;
		this.#prefix = options.prefix ?? "";
		this.#codec = options.codec ?? jsonCodec<V>();
		this.#ttl = options.ttl ?? 0;
	}

	#key(key: K): string {
		if (this.#closed) throw new ClosedError(this.name);
		return this.#prefix + this.#keyToString(key);
	}

	#fail(op: string, r: Response): BackendError {
		const why =
			r.error instanceof Error
				? r.error.message
				: `status 0x${r.status.toString(16)}`;
		return new BackendError(
			"memcache",
			`'${this.name}' ${op} failed: ${why}`,
			r.error,
		);
	}

	#decode(r: GetResponse | undefined, op: string): V | undefined {
		if (r === undefined) return undefined;
		if (r.status === KEY_NOT_FOUND && r.error === undefined) return undefined;
		if (r.status !== NO_ERROR) throw this.#fail(op, r);
		if (r.value === undefined || r.flags === TOMBSTONE_FLAGS) return undefined;
		if (r.flags !== MEMCACHE_ITEM_FLAGS)
			throw new CodecError(
				`'${this.name}' key ${r.key} holds a value not written by MemcacheStorage (flags ${r.flags})`,
			);
		return this.#codec.decode(r.value);
	}

	#item(item: V, options: SetOptions | undefined): MemcacheItem {
		const ttl = options?.ttl ?? this.#ttl;
		checkTtl("ttl", ttl);
		return {
			key: this.#key(this.#keyOf(item)),
			value: this.#codec.encode(item),
			flags: MEMCACHE_ITEM_FLAGS,
			expiration: expiration(ttl),
		};
	}

	#rq(options: OperationOptions | undefined): RequestOptions | undefined {
		return options?.signal === undefined
			? undefined
			: { signal: options.signal };
	}

	get(key: K, options?: OperationOptions): Promise<V | undefined> {
		// Not async: one promise fewer on the hot path.
		let k: string;
		try {
			k = this.#key(key);
		} catch (err) {
			return Promise.reject(err);
		}
		return this.#client
			.get(k, this.#rq(options))
			.then((r) => this.#decode(r, "get"));
	}

	async getMulti(
		keys: readonly K[],
		options?: OperationOptions,
	): Promise<(V | undefined)[]> {
		if (keys.length === 0) return [];
		const ks = keys.map((k) => this.#key(k));
		const found = await this.#client.getMulti(ks, this.#rq(options));
		return ks.map((k) => this.#decode(found.get(k), "getMulti"));
	}

	async set(item: V, options?: SetOptions): Promise<void> {
		const r = await this.#client.set(
			this.#item(item, options),
			this.#rq(options),
		);
		if (r.status !== NO_ERROR) throw this.#fail("set", r);
	}

	async setMulti(items: readonly V[], options?: SetOptions): Promise<void> {
		if (items.length === 0) return;
		const rs = await this.#client.setMulti(
			items.map((it) => this.#item(it, options)),
			this.#rq(options),
		);
		for (const r of rs)
			if (r.status !== NO_ERROR) throw this.#fail("setMulti", r);
	}

	async delete(key: K, options?: OperationOptions): Promise<void> {
		const r = await this.#client.delete(this.#key(key), this.#rq(options));
		if (r.status !== NO_ERROR && r.status !== KEY_NOT_FOUND)
			throw this.#fail("delete", r);
	}

	async deleteMulti(
		keys: readonly K[],
		options?: OperationOptions,
	): Promise<void> {
		if (keys.length === 0) return;
		const rs = await this.#client.deleteMulti(
			keys.map((k) => this.#key(k)),
			this.#rq(options),
		);
		for (const r of rs)
			if (r.status !== NO_ERROR && r.status !== KEY_NOT_FOUND)
				throw this.#fail("deleteMulti", r);
	}

	/** Flushes every server of the client (memcached has no per-prefix flush). */
	async flush(options?: OperationOptions): Promise<void> {
		if (this.#closed) throw new ClosedError(this.name);
		const r = await this.#client.flush(0, this.#rq(options));
		if (r.status !== NO_ERROR) throw this.#fail("flush", r);
	}

	async addMulti(
		items: readonly V[],
		options?: SetOptions,
	): Promise<boolean[]> {
		if (items.length === 0) return [];
		const rs = await this.#client.addMulti(
			items.map((it) => this.#item(it, options)),
			this.#rq(options),
		);
		return rs.map((r) => {
			if (r.status === NO_ERROR) return r.skipped !== true;
			if (r.status === KEY_EXISTS || r.status === ITEM_NOT_STORED) return false;
			throw this.#fail("addMulti", r);
		});
	}

	async invalidateMulti(
		keys: readonly K[],
		tombstoneTtl: number,
		options?: OperationOptions,
	): Promise<void> {
		checkTtl("tombstoneTtl", tombstoneTtl);
		if (keys.length === 0) return;
		// memcached counts whole seconds and may expire an item up to ~1 s early: add one.
		const exp = expiration(Math.max(1, tombstoneTtl)) + 1;
		const rs = await this.#client.setMulti(
			keys.map((k) => ({
				key: this.#key(k),
				value: EMPTY,
				flags: TOMBSTONE_FLAGS,
				expiration: exp,
			})),
			this.#rq(options),
		);
		for (const r of rs)
			if (r.status !== NO_ERROR) throw this.#fail("invalidateMulti", r);
	}

	/**
	 * Takes fill leases: memcached `add` of `<key>#lease` (flags mark it) for `ttl` ms, rounded
	 * up to whole seconds.
	 */
	async acquireLeases(keys: readonly K[], ttl: number): Promise<boolean[]> {
		checkTtl("ttl", ttl);
		if (keys.length === 0) return [];
		const exp = expiration(Math.max(1, ttl));
		const rs = await this.#client.addMulti(
			keys.map((k) => ({
				key: `${this.#key(k)}#lease`,
				value: EMPTY,
				flags: LEASE_FLAGS,
				expiration: exp,
			})),
		);
		return rs.map((r) => {
			if (r.status === NO_ERROR) return r.skipped !== true;
			if (r.status === KEY_EXISTS || r.status === ITEM_NOT_STORED) return false;
			throw this.#fail("acquireLeases", r);
		});
	}

	/** Deletes the leases' companion keys. */
	async releaseLeases(keys: readonly K[]): Promise<void> {
		if (keys.length === 0) return;
		const rs = await this.#client.deleteMulti(
			keys.map((k) => `${this.#key(k)}#lease`),
		);
		for (const r of rs)
			if (r.status !== NO_ERROR && r.status !== KEY_NOT_FOUND)
				throw this.#fail("releaseLeases", r);
	}

	/** Marks the storage closed (later calls reject `ERR_CACHING_CLOSED`); the client stays open. */
	async close(): Promise<void> {
		this.#closed = true;
	}

	[Symbol.asyncDispose](): Promise<void> {
		return this.close();
	}
}
