import type { Cluster, Redis, RedisOptions } from "ioredis";
import { type Codec, jsonCodec } from "./codec.js";
import {
	BackendError,
	ClosedError,
	CodecError,
	InvalidOptionError,
} from "./errors.js";
import {
	ITEM,
	TOMBSTONE,
	tombstoneBytes,
	wrapItem,
} from "./internal/envelope.js";
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

/** Options of {@link RedisStorage}. */
export interface RedisStorageOptions<K, V> {
	/** Name in errors. @defaultValue "redis" */
	readonly name?: string | undefined;
	/** Derives an item's key. */
	readonly keyOf: KeyOfFunc<K, V>;
	/** Turns a key into the Redis key (after `prefix`). @defaultValue {@link defaultKeyToString} */
	readonly keyToString?: ToStringFunc<K> | undefined;
	/** Prepended to every key; `flush()` deletes only keys under it. @defaultValue "" */
	readonly prefix?: string | undefined;
	/** Item ↔ bytes. @defaultValue {@link jsonCodec} */
	readonly codec?: Codec<V> | undefined;
	/** Default TTL of written items, ms; `0` = no expiry. @defaultValue 0 */
	readonly ttl?: number | undefined;
}

/**
 * A storage on Redis through ioredis (a `Redis` or a `Cluster` client). Multi operations are
 * one pipeline on a single server; on a Cluster they are sent key by key (ioredis routes each
 * to its slot; enable its `enableAutoPipelining` to batch them per node).
 *
 * Values are the codec's bytes behind one header byte (item or fill-guard tombstone). Only
 * GET/SET/DEL/SCAN are used, whose replies are the same in RESP2 and RESP3; clients created by
 * {@link RedisStorage.connect} pin `protocol: 2` so ioredis 6's RESP3 default changes nothing.
 */
export class RedisStorage<K, V> implements FillGuardedStorage<K, V> {
	readonly name: string;
	readonly #client: Redis | Cluster;
	readonly #owned: boolean;
	readonly #keyOf: KeyOfFunc<K, V>;
	readonly #keyToString: ToStringFunc<K>;
	readonly #prefix: string;
	readonly #codec: Codec<V>;
	readonly #ttl: number;
	#closed: Promise<void> | undefined;

	/**
	 * Wraps a client you own: {@link RedisStorage.close} does not disconnect it.
	 * @throws {@link InvalidOptionError} (`ERR_CACHING_INVALID_OPTION`) for bad options.
	 */
	constructor(
		client: Redis | Cluster,
		options: RedisStorageOptions<K, V>,
		owned = false,
	) {
		if (typeof options?.keyOf !== "function")
			throw new InvalidOptionError(
				"keyOf",
				"keyOf must be a function (item) => key",
			);
		checkTtl("ttl", options.ttl);
		this.name = options.name ?? "redis";
		this.#client = client;
		this.#owned = owned;
		this.#keyOf = options.keyOf;
		this.#keyToString = options.keyToString ?? defaultKeyToString;
		this.#prefix = options.prefix ?? "";
		this.#codec = options.codec ?? jsonCodec<V>();
		this.#ttl = options.ttl ?? 0;
	}

	/**
	 * Creates its own ioredis client (RESP2 pinned: `protocol: 2`) for `url`; `close()`
	 * disconnects it.
	 */
	static async connect<K, V>(
		url: string,
		options: RedisStorageOptions<K, V>,
		redisOptions: RedisOptions = {},
	): Promise<RedisStorage<K, V>> {
		const { Redis: RedisClient } = await import("ioredis");
		// ioredis 6 speaks RESP3 by default; 5.x ignores the option.
		const pinned = {
			protocol: 2,
			lazyConnect: true,
			...redisOptions,
		} as RedisOptions;
		const client = new RedisClient(url, pinned);
		await client.connect();
		return new RedisStorage(client, options, true);
	}

	/** The ioredis client. */
	get client(): Redis | Cluster {
		return this.#client;
	}

	#key(key: K): string {
		return this.#prefix + this.#keyToString(key);
	}

	#check(): void {
		if (this.#closed !== undefined) throw new ClosedError(this.name);
	}

	#decode(buf: Buffer | null): V | undefined {
		if (buf === null || buf.length === 0 || buf[0] === TOMBSTONE)
			return undefined;
		if (buf[0] !== ITEM)
			throw new CodecError(
				`'${this.name}' holds a value not written by RedisStorage`,
			);
		return this.#codec.decode(buf.subarray(1));
	}

	#fail(op: string, err: unknown): BackendError {
		return new BackendError(
			"redis",
			`'${this.name}' ${op} failed: ${err instanceof Error ? err.message : String(err)}`,
			err,
		);
	}

	async #each<T>(
		op: string,
		n: number,
		add: (p: PipelineLike, i: number) => void,
		single: (i: number) => Promise<T>,
	): Promise<T[]> {
		this.#check();
		if (n === 0) return [];
		try {
			if (this.#client.isCluster || n === 1)
				return await Promise.all(
					Array.from({ length: n }, (_, i) => single(i)),
				);
			const p = this.#client.pipeline() as unknown as PipelineLike;
			for (let i = 0; i < n; i++) add(p, i);
			const replies = await p.exec();
			const out: T[] = new Array(n);
			for (let i = 0; i < n; i++) {
				const [err, value] = (replies?.[i] ?? [
					new Error("no reply"),
					null,
				]) as [Error | null, T];
				if (err) throw err;
				out[i] = value;
			}
			return out;
		} catch (err) {
			if (err instanceof CodecError || err instanceof ClosedError) throw err;
			throw this.#fail(op, err);
		}
	}

	async get(key: K, _options?: OperationOptions): Promise<V | undefined> {
		this.#check();
		const k = this.#key(key);
		let buf: Buffer | null;
		try {
			buf = await this.#client.getBuffer(k);
		} catch (err) {
			throw this.#fail("get", err);
		}
		return this.#decode(buf);
	}

	async getMulti(
		keys: readonly K[],
		_options?: OperationOptions,
	): Promise<(V | undefined)[]> {
		const ks = keys.map((k) => this.#key(k));
		const bufs = await this.#each<Buffer | null>(
			"getMulti",
			ks.length,
			(p, i) => p.getBuffer(ks[i] as string),
			(i) => this.#client.getBuffer(ks[i] as string),
		);
		return bufs.map((b) => this.#decode(b));
	}

	#setArgs(item: V, options: SetOptions | undefined): [string, Buffer, number] {
		const ttl = options?.ttl ?? this.#ttl;
		checkTtl("ttl", ttl);
		return [
			this.#key(this.#keyOf(item)),
			wrapItem(this.#codec.encode(item)),
			ttl,
		];
	}

	#set(
		p: PipelineLike | Redis | Cluster,
		[k, v, ttl]: [string, Buffer, number],
	): unknown {
		return ttl > 0 ? p.set(k, v, "PX", Math.ceil(ttl)) : p.set(k, v);
	}

	async set(item: V, options?: SetOptions): Promise<void> {
		await this.setMulti([item], options);
	}

	async setMulti(items: readonly V[], options?: SetOptions): Promise<void> {
		const args = items.map((it) => this.#setArgs(it, options));
		await this.#each(
			"setMulti",
			args.length,
			(p, i) => this.#set(p, args[i] as [string, Buffer, number]),
			(i) =>
				this.#set(
					this.#client,
					args[i] as [string, Buffer, number],
				) as Promise<unknown>,
		);
	}

	async delete(key: K, options?: OperationOptions): Promise<void> {
		await this.deleteMulti([key], options);
	}

	async deleteMulti(
		keys: readonly K[],
		_options?: OperationOptions,
	): Promise<void> {
		const ks = keys.map((k) => this.#key(k));
		await this.#each(
			"deleteMulti",
			ks.length,
			(p, i) => p.del(ks[i] as string),
			(i) => this.#client.del(ks[i] as string),
		);
	}

	/**
	 * Deletes every key under `prefix` (SCAN + DEL on each master). With an empty prefix the
	 * whole logical database is flushed (`FLUSHDB`).
	 */
	async flush(_options?: OperationOptions): Promise<void> {
		this.#check();
		try {
			const nodes: Redis[] = this.#client.isCluster
				? (this.#client as Cluster).nodes("master")
				: [this.#client as Redis];
			for (const node of nodes) {
				if (this.#prefix === "") {
					await node.flushdb();
					continue;
				}
				let cursor = "0";
				// Bounded by the key space: SCAN visits each key at least once, then returns "0".
				do {
					const [next, found] = await node.scan(
						cursor,
						"MATCH",
						`${this.#prefix}*`,
						"COUNT",
						1000,
					);
					cursor = next;
					if (found.length > 0) await node.del(...found);
				} while (cursor !== "0");
			}
		} catch (err) {
			throw this.#fail("flush", err);
		}
	}

	async addMulti(
		items: readonly V[],
		options?: SetOptions,
	): Promise<boolean[]> {
		const args = items.map((it) => this.#setArgs(it, options));
		const add = (
			c: PipelineLike | Redis | Cluster,
			[k, v, ttl]: [string, Buffer, number],
		) =>
			ttl > 0 ? c.set(k, v, "PX", Math.ceil(ttl), "NX") : c.set(k, v, "NX");
		const replies = await this.#each<unknown>(
			"addMulti",
			args.length,
			(p, i) => add(p, args[i] as [string, Buffer, number]),
			(i) =>
				add(
					this.#client,
					args[i] as [string, Buffer, number],
				) as Promise<unknown>,
		);
		return replies.map((r) => r === "OK");
	}

	async invalidateMulti(
		keys: readonly K[],
		tombstoneTtl: number,
		_options?: OperationOptions,
	): Promise<void> {
		checkTtl("tombstoneTtl", tombstoneTtl);
		const ks = keys.map((k) => this.#key(k));
		const ttl = Math.max(1, Math.ceil(tombstoneTtl));
		const t = tombstoneBytes();
		await this.#each(
			"invalidateMulti",
			ks.length,
			(p, i) => p.set(ks[i] as string, t, "PX", ttl),
			(i) => this.#client.set(ks[i] as string, t, "PX", ttl),
		);
	}

	/** Disconnects the client if {@link RedisStorage.connect} created it; idempotent. */
	close(): Promise<void> {
		if (this.#closed === undefined)
			this.#closed = this.#owned
				? this.#client.quit().then(
						() => undefined,
						() => this.#client.disconnect(),
					)
				: Promise.resolve();
		return this.#closed;
	}

	[Symbol.asyncDispose](): Promise<void> {
		return this.close();
	}
}

/** The pipeline methods used here (ioredis' ChainableCommander, narrowed). */
interface PipelineLike {
	getBuffer(key: string): unknown;
	set(key: string, value: Buffer, ...args: (string | number)[]): unknown;
	del(key: string): unknown;
	exec(): Promise<[Error | null, unknown][] | null>;
}
