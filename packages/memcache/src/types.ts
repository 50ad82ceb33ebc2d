import type { MemcacheError } from "./errors.js";

/**
 * An item to store (godropbox: memcache `Item`).
 */
export interface Item {
	/** The cache key: 1..250 bytes of UTF-8, no spaces or control bytes. */
	readonly key: string;
	/** The payload (empty allowed). */
	readonly value: Uint8Array;
	/** Opaque uint32 stored and returned verbatim. @defaultValue 0 */
	readonly flags?: number | undefined;
	/**
	 * memcached's CAS value. `0n` (default) writes unconditionally; non-zero makes `set` a
	 * compare-and-swap.
	 * @defaultValue 0n
	 */
	readonly dataVersionId?: bigint | undefined;
	/**
	 * Seconds. 0 = never expires; up to 2,592,000 (30 days) relative to now, larger values are
	 * absolute Unix timestamps.
	 * @defaultValue 0
	 */
	readonly expiration?: number | undefined;
}

/** Fields every response has. */
export interface Response {
	/** memcached status ({@link ResponseStatus}); `ClientError` (-1) for client-side errors. */
	readonly status: number;
	/** `undefined` on success and on a read miss; otherwise the typed error. */
	readonly error: MemcacheError | undefined;
	/**
	 * True when a sharded client did not contact the shard (state WRITE_ONLY/DOWN/WARM_UP) and
	 * reported success (or a miss) the way godropbox does, or when a WARM_UP shard's write
	 * failure was turned into a success.
	 */
	readonly skipped?: boolean | undefined;
}

/** Result of get/getMulti/getSentinels. */
export interface GetResponse extends Response {
	readonly key: string;
	/** The value on a hit (an empty Buffer for an empty value), `undefined` otherwise. */
	readonly value: Buffer | undefined;
	/** Flags on a hit, 0 otherwise. */
	readonly flags: number;
	/** CAS on a hit, 0n otherwise. */
	readonly dataVersionId: bigint;
}

/** Result of set/add/replace/delete/append/prepend and their batch forms. */
export interface MutateResponse extends Response {
	readonly key: string;
	/** The new CAS on success (binary only; ascii stores report 0n). */
	readonly dataVersionId: bigint;
}

/** Result of increment/decrement. */
export interface CountResponse extends Response {
	readonly key: string;
	/** The counter after the operation (0n unless NoError). */
	readonly count: bigint;
}

/** Result of version(): shard id → version string. */
export interface VersionResponse extends Response {
	readonly versions: ReadonlyMap<number, string>;
}

/** Result of stat(): shard id → (stat name → value). */
export interface StatResponse extends Response {
	readonly entries: ReadonlyMap<number, ReadonlyMap<string, string>>;
}

/** Per-call options. */
export interface RequestOptions {
	/** Aborting settles the call's promise with an `AbortError` (code ERR_MEMCACHE_ABORTED). */
	readonly signal?: AbortSignal | undefined;
}

/**
 * The memcache client contract (godropbox: memcache/interface.go `Client`), promise-based.
 * Server statuses and per-key failures are carried in responses; promises reject only for
 * programmer errors, a closed client, or an aborted call.
 */
export interface Client {
	get(key: string, options?: RequestOptions): Promise<GetResponse>;
	getMulti(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<Map<string, GetResponse>>;
	getSentinels(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<Map<string, GetResponse>>;
	set(item: Item, options?: RequestOptions): Promise<MutateResponse>;
	setMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]>;
	setSentinels(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]>;
	casMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]>;
	casSentinels(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]>;
	add(item: Item, options?: RequestOptions): Promise<MutateResponse>;
	addMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]>;
	replace(item: Item, options?: RequestOptions): Promise<MutateResponse>;
	delete(key: string, options?: RequestOptions): Promise<MutateResponse>;
	deleteMulti(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<MutateResponse[]>;
	append(
		key: string,
		value: Uint8Array,
		options?: RequestOptions,
	): Promise<MutateResponse>;
	prepend(
		key: string,
		value: Uint8Array,
		options?: RequestOptions,
	): Promise<MutateResponse>;
	increment(
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
		options?: RequestOptions,
	): Promise<CountResponse>;
	decrement(
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
		options?: RequestOptions,
	): Promise<CountResponse>;
	flush(expiration: number, options?: RequestOptions): Promise<Response>;
	stat(statsKey: string, options?: RequestOptions): Promise<StatResponse>;
	version(options?: RequestOptions): Promise<VersionResponse>;
	verbosity(level: number, options?: RequestOptions): Promise<Response>;
	/** Stop taking calls, let outstanding ones finish, release connections. Idempotent. */
	close(): Promise<void>;
	/** Fail every outstanding call now and release everything. Idempotent. */
	destroy(err?: Error): Promise<void>;
	[Symbol.asyncDispose](): Promise<void>;
}
