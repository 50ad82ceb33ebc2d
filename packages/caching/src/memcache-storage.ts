import {
	type GetResponse,
	type Item as MemcacheItem,
	type MetaDeleteOptions,
	type MetaGetOptions,
	type MetaGetResponse,
	type MetaMutateResponse,
	type MetaSetOptions,
	type MutateResponse,
	RawMetaClient,
	type RequestOptions,
	type Response,
} from "@godropbox-ts/memcache";
import { type Codec, jsonCodec } from "./codec.js";
import {
	BackendError,
	ClosedError,
	CodecError,
	InvalidOptionError,
} from "./errors.js";
import { type FastRead, kFastRead } from "./internal/fast-read.js";
import { checkTtl } from "./internal/ttl.js";
import {
	defaultKeyToString,
	type KeyOfFunc,
	type ToStringFunc,
} from "./keys.js";
import type {
	FillGuardedStorage,
	LeaseCapableStorage,
	LeaseRead,
	MetaLeaseStorage,
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
	/** Wire protocol, when the client reports it (`ShardedClient.protocol`). */
	readonly protocol?: string | undefined;
	/** Meta get (`mg`); needed for {@link MetaLeaseStorage}. */
	metaGet?(key: string, options?: MetaGetOptions): Promise<MetaGetResponse>;
	/** Several meta gets in one quiet batch per server; used by `leaseGetMulti` when present. */
	metaGetMulti?(
		keys: readonly string[],
		options?: MetaGetOptions,
	): Promise<MetaGetResponse[]>;
	/** Meta set (`ms`); needed for {@link MetaLeaseStorage}. */
	metaSet?(
		item: {
			readonly key: string;
			readonly value: Uint8Array;
			readonly flags?: number | undefined;
			readonly expiration?: number | undefined;
			readonly dataVersionId?: bigint | undefined;
		},
		options?: MetaSetOptions,
	): Promise<MetaMutateResponse>;
	/** Meta delete (`md`); needed for {@link MetaLeaseStorage}. */
	metaDelete?(
		key: string,
		options?: MetaDeleteOptions,
	): Promise<MetaMutateResponse>;
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
	/**
	 * Whether the client speaks memcached's meta protocol, which makes this storage a
	 * {@link MetaLeaseStorage} (`CacheOnStorage` then uses meta leases). Detected by default:
	 * a `RawMetaClient`, or a client whose `protocol` is `"meta"` (`createClient({ protocol:
	 * "meta" })`). Set it for a wrapper that hides the protocol, or `false` to opt out.
	 * @defaultValue detected
	 */
	readonly metaLeases?: boolean | undefined;
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

interface LeaseWaiter<V> {
	resolve(r: LeaseRead<V>): void;
	reject(err: unknown): void;
}

/** Lease reads of one tick, sent as one `metaGetMulti`. */
interface LeaseBatch<V> {
	readonly vivify: number;
	readonly keys: string[];
	readonly waiters: LeaseWaiter<V>[];
}

type MetaCalls = Required<
	Pick<MemcacheStorageClient, "metaGet" | "metaSet" | "metaDelete">
>;

/** ms → whole seconds (at least 1), for lease stubs and stale items. */
function seconds(ms: number): number {
	return Math.max(1, Math.ceil(ms / 1000));
}

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
	implements
		FillGuardedStorage<K, V>,
		LeaseCapableStorage<K>,
		MetaLeaseStorage<K, V>
{
	readonly name: string;
	readonly #client: MemcacheStorageClient;
	readonly #keyOf: KeyOfFunc<K, V>;
	readonly #keyToString: ToStringFunc<K>;
	readonly #prefix: string;
	readonly #codec: Codec<V>;
	readonly #ttl: number;
	readonly #meta: boolean;
	#leaseBatch: LeaseBatch<V> | undefined;
	readonly #decodeGet = (r: GetResponse): V | undefined =>
		this.#decode(r, "get");
	readonly #leaseOf = (r: MetaGetResponse): LeaseRead<V> => this.#lease(r);
	/** @internal CacheOnStorage's one-reaction hit path (see internal/fast-read.ts). */
	readonly [kFastRead]: FastRead<K, V> = {
		read: (key, signal) =>
			this.#client.get(
				this.#key(key),
				signal === undefined ? undefined : { signal },
			),
		decode: (raw) => this.#decode(raw as GetResponse, "get"),
	};
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
		const hasMeta =
			typeof client.metaGet === "function" &&
			typeof client.metaSet === "function" &&
			typeof client.metaDelete === "function";
		this.#meta =
			hasMeta &&
			(options.metaLeases ??
				(client instanceof RawMetaClient || client.protocol === "meta"));
	}

	/** Whether this storage implements {@link MetaLeaseStorage} over its client (meta protocol). */
	get metaLeases(): boolean {
		return this.#meta;
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
		if (r.flags !== MEMCACHE_ITEM_FLAGS) {
			// An empty item with flags 0 is a meta-protocol lease stub (`mg … N`): no value yet.
			if (r.flags === 0 && r.value.length === 0) return undefined;
			throw new CodecError(
				`'${this.name}' key ${r.key} holds a value not written by MemcacheStorage (flags ${r.flags})`,
			);
		}
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
			.get(k, options?.signal === undefined ? undefined : this.#rq(options))
			.then(this.#decodeGet);
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

	// ---- MetaLeaseStorage (meta protocol) ----

	#metaClient(): MetaCalls {
		if (!this.#meta)
			throw new InvalidOptionError(
				"metaLeases",
				`'${this.name}' has no meta-protocol client: create it with createClient({ protocol: "meta" })`,
			);
		return this.#client as MetaCalls;
	}

	/**
	 * One `mg <key> N<lease s> v f c …`: the item (hit), or a lease state. An empty item with
	 * client flags 0 is a lease stub (memcached's vivified placeholder), never a value.
	 */
	#lease(r: MetaGetResponse): LeaseRead<V> {
		if (r.status === KEY_NOT_FOUND && r.error === undefined)
			return { state: "bypass", value: undefined, token: 0n };
		if (r.status !== NO_ERROR) throw this.#fail("leaseGet", r);
		let value: V | undefined;
		if (r.flags === MEMCACHE_ITEM_FLAGS && r.value !== undefined)
			value = this.#codec.decode(r.value);
		else if (r.flags === TOMBSTONE_FLAGS)
			return { state: "bypass", value: undefined, token: 0n };
		else if (r.flags !== 0 || (r.value !== undefined && r.value.length > 0))
			throw new CodecError(
				`'${this.name}' key ${String(r.key)} holds a value not written by MemcacheStorage (flags ${r.flags})`,
			);
		const token = r.dataVersionId;
		if (r.win)
			return { state: "win", value: r.stale ? value : undefined, token };
		if (r.otherWinner || r.stale)
			return { state: "wait", value: r.stale ? value : undefined, token };
		if (value === undefined)
			return { state: "bypass", value: undefined, token: 0n };
		return { state: "hit", value, token };
	}

	#leaseOptions(
		leaseTtl: number,
		options: OperationOptions | undefined,
	): MetaGetOptions {
		checkTtl("leaseTtl", leaseTtl);
		const vivify = seconds(leaseTtl);
		return options?.signal === undefined
			? { vivify }
			: { vivify, signal: options.signal };
	}

	/** {@link MetaLeaseStorage.leaseGet}: `mg <key> N<lease s> v f c`. */
	leaseGet(
		key: K,
		leaseTtl: number,
		options?: OperationOptions,
	): Promise<LeaseRead<V>> {
		let k: string;
		let o: MetaGetOptions;
		let c: MetaCalls;
		try {
			c = this.#metaClient();
			k = this.#key(key);
			o = this.#leaseOptions(leaseTtl, options);
		} catch (err) {
			return Promise.reject(err);
		}
		const multi = this.#client.metaGetMulti;
		if (o.signal !== undefined || typeof multi !== "function")
			return c.metaGet(k, o).then(this.#leaseOf);
		// Coalesce the lease reads of one tick into one quiet `mg` batch per server (as the
		// memcache client does for plain gets): one request object instead of one per key.
		let b = this.#leaseBatch;
		if (b === undefined || b.vivify !== o.vivify) {
			b = { vivify: o.vivify as number, keys: [], waiters: [] };
			this.#leaseBatch = b;
			process.nextTick(this.#flushLeases, b);
		}
		const batch = b;
		return new Promise<LeaseRead<V>>((resolve, reject) => {
			batch.keys.push(k);
			batch.waiters.push({ resolve, reject });
		});
	}

	readonly #flushLeases = (b: LeaseBatch<V>): void => {
		if (this.#leaseBatch === b) this.#leaseBatch = undefined;
		const c = this.#client as MetaCalls;
		const { keys, waiters } = b;
		const settle = (rs: readonly MetaGetResponse[]): void => {
			for (let i = 0; i < waiters.length; i++) {
				const w = waiters[i] as LeaseWaiter<V>;
				try {
					w.resolve(this.#lease(rs[i] as MetaGetResponse));
				} catch (err) {
					w.reject(err);
				}
			}
		};
		const fail = (err: unknown): void => {
			for (const w of waiters) w.reject(err);
		};
		if (keys.length === 1)
			c.metaGet(keys[0] as string, { vivify: b.vivify }).then(
				(r) => settle([r]),
				fail,
			);
		else
			(this.#client as Required<Pick<MemcacheStorageClient, "metaGetMulti">>)
				.metaGetMulti(keys, { vivify: b.vivify })
				.then(settle, fail);
	};

	/** {@link MetaLeaseStorage.leaseGetMulti}: one quiet `mg` batch per server when the client has `metaGetMulti`. */
	async leaseGetMulti(
		keys: readonly K[],
		leaseTtl: number,
		options?: OperationOptions,
	): Promise<LeaseRead<V>[]> {
		const c = this.#metaClient();
		if (keys.length === 0) return [];
		const ks = keys.map((k) => this.#key(k));
		const o = this.#leaseOptions(leaseTtl, options);
		const rs =
			typeof this.#client.metaGetMulti === "function"
				? await this.#client.metaGetMulti(ks, o)
				: await Promise.all(ks.map((k) => c.metaGet(k, o)));
		return rs.map(this.#leaseOf);
	}

	/** {@link MetaLeaseStorage.leaseFill}: `ms <key> … C<token>` per item (pipelined). */
	async leaseFill(
		items: readonly V[],
		tokens: readonly bigint[],
		options?: SetOptions,
	): Promise<boolean[]> {
		const c = this.#metaClient();
		if (items.length !== tokens.length)
			throw new InvalidOptionError(
				"tokens",
				`leaseFill needs one token per item (${items.length} items, ${tokens.length} tokens)`,
			);
		const rq = this.#rq(options);
		return Promise.all(
			items.map((it, i) => {
				const token = tokens[i] as bigint;
				// Never an unguarded fill: without a CAS it could overwrite a newer write.
				if (token === 0n) return false;
				return c
					.metaSet({ ...this.#item(it, options), dataVersionId: token }, rq)
					.then((r) => {
						if (r.status === NO_ERROR) return true;
						if (
							r.status === KEY_EXISTS ||
							r.status === KEY_NOT_FOUND ||
							r.status === ITEM_NOT_STORED
						)
							return false;
						throw this.#fail("leaseFill", r);
					});
			}),
		);
	}

	/** {@link MetaLeaseStorage.leaseRelease}: `md <key> C<token>` (only our own stub). */
	async leaseRelease(
		keys: readonly K[],
		tokens: readonly bigint[],
	): Promise<void> {
		const c = this.#metaClient();
		const rs = await Promise.all(
			keys.map((k, i) =>
				(tokens[i] ?? 0n) === 0n
					? undefined
					: c.metaDelete(this.#key(k), { cas: tokens[i] as bigint }),
			),
		);
		for (const r of rs)
			if (
				r !== undefined &&
				r.status !== NO_ERROR &&
				r.status !== KEY_NOT_FOUND &&
				r.status !== KEY_EXISTS
			)
				throw this.#fail("leaseRelease", r);
	}

	/**
	 * {@link MetaLeaseStorage.leaseInvalidate}: `staleGrace` 0 → a plain delete (one quiet
	 * batch); otherwise `md <key> I T<grace s>` per key.
	 */
	async leaseInvalidate(
		keys: readonly K[],
		staleGrace: number,
		options?: OperationOptions,
	): Promise<void> {
		checkTtl("staleGrace", staleGrace);
		if (keys.length === 0) return;
		if (staleGrace === 0) {
			if (keys.length === 1) await this.delete(keys[0] as K, options);
			else await this.deleteMulti(keys, options);
			return;
		}
		const c = this.#metaClient();
		const o: MetaDeleteOptions = {
			invalidate: true,
			staleTtl: seconds(staleGrace),
			...(options?.signal !== undefined && { signal: options.signal }),
		};
		const rs = await Promise.all(
			keys.map((k) => c.metaDelete(this.#key(k), o)),
		);
		for (const r of rs)
			if (r.status !== NO_ERROR && r.status !== KEY_NOT_FOUND)
				throw this.#fail("leaseInvalidate", r);
	}

	/** Marks the storage closed (later calls reject `ERR_CACHING_CLOSED`); the client stays open. */
	async close(): Promise<void> {
		this.#closed = true;
	}

	[Symbol.asyncDispose](): Promise<void> {
		return this.close();
	}
}
