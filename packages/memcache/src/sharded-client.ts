import {
	ClientClosedError,
	InvalidArgumentError,
	MemcacheError,
	NotSupportedError,
} from "./errors.js";
import { channels } from "./internal/diagnostics.js";
import type { RawClientBase } from "./internal/raw-client-base.js";
import { newMetaGetResponse, newMetaMutateResponse } from "./meta-responses.js";
import type {
	MetaDeleteOptions,
	MetaGetOptions,
	MetaGetResponse,
	MetaItem,
	MetaMutateResponse,
	MetaSetOptions,
} from "./meta-types.js";
import type { RawClientOptions } from "./options.js";
import { RawAsciiClient } from "./raw-ascii-client.js";
import { RawBinaryClient } from "./raw-binary-client.js";
import { RawMetaClient } from "./raw-meta-client.js";
import {
	markSkipped,
	newCountErrorResponse,
	newCountResponse,
	newErrorResponse,
	newGetErrorResponse,
	newGetResponse,
	newMutateErrorResponse,
	newMutateResponse,
	newResponse,
	newStatErrorResponse,
	newStatResponse,
	newVersionErrorResponse,
	newVersionResponse,
} from "./responses.js";
import type { ShardManager, ShardMapping } from "./shard-manager.js";
import { type ShardStats, ShardStatsRecorder } from "./stats.js";
import { ResponseStatus } from "./status.js";
import type {
	Client,
	CountResponse,
	GetResponse,
	Item,
	MutateResponse,
	RequestOptions,
	Response,
	StatResponse,
	VersionResponse,
} from "./types.js";

/** Options of {@link ShardedClient}. */
export interface ShardedClientOptions
	extends Omit<RawClientOptions, "address" | "socket" | "pool" | "shardId"> {
	/**
	 * Wire protocol of every shard. `"meta"` (memcached ≥ 1.6.18) also enables
	 * {@link ShardedClient.metaGet}, `metaSet` and `metaDelete`.
	 * @defaultValue "binary"
	 */
	readonly protocol?: "binary" | "ascii" | "meta" | undefined;
	/** Close the shard manager (and the pool it created) in `close()`. @defaultValue false */
	readonly closeManager?: boolean | undefined;
}

type RawClient = RawClientBase;

/**
 * Routes keys to shards through a {@link ShardManager} (godropbox: memcache/sharded_client.go).
 * Per server it keeps one raw client with a few long-lived pipelined connections borrowed from
 * the manager's pool; multi-key calls become one pipelined batch per shard, run concurrently.
 *
 * Shard states follow godropbox: a shard the call may not use is skipped and the call reports
 * a miss (reads) or success with CAS 0 (writes), with `skipped: true` on the response; a WARM_UP
 * shard's failed sentinel writes are reported as successes (`skipped: true`).
 */
export class ShardedClient implements Client {
	readonly #manager: ShardManager;
	readonly #options: ShardedClientOptions;
	readonly #clients = new Map<string, RawClient>();
	readonly #skipped = new Map<number, number>();
	#seenVersion = -1;
	#closed = false;
	#closing: Promise<void> | undefined;

	/**
	 * @throws {@link InvalidArgumentError} on an unknown protocol or bad options
	 */
	constructor(manager: ShardManager, options: ShardedClientOptions = {}) {
		if (
			manager === null ||
			typeof manager !== "object" ||
			typeof manager.getShard !== "function"
		)
			throw new InvalidArgumentError("ShardedClient needs a ShardManager");
		const protocol = options.protocol ?? "binary";
		if (protocol !== "binary" && protocol !== "ascii" && protocol !== "meta")
			throw new InvalidArgumentError(
				`unknown protocol ${String(protocol)}: use "binary", "ascii" or "meta"`,
			);
		this.#manager = manager;
		this.#options = options;
	}

	/** The wire protocol of every shard (`"meta"` enables the `meta*` methods). */
	get protocol(): "binary" | "ascii" | "meta" {
		return this.#options.protocol ?? "binary";
	}

	/** The shard manager this client routes through. */
	get manager(): ShardManager {
		return this.#manager;
	}

	/** Per-shard counters and latency histograms, in shard id order. */
	stats(): ShardStats[] {
		return this.#manager.shardStates().map((s, id) => {
			const c = this.#clients.get(s.address);
			const base =
				c?.stats() ?? new ShardStatsRecorder().snapshot(id, s.address, 0, 0);
			return { ...base, shardId: id, skipped: this.#skipped.get(id) ?? 0 };
		});
	}

	#client(address: string): RawClient {
		this.#sync();
		let c = this.#clients.get(address);
		if (c === undefined) {
			const { protocol, closeManager: _c, ...rest } = this.#options;
			const o: RawClientOptions = {
				...rest,
				address,
				pool: this.#manager.pool,
			};
			c =
				protocol === "ascii"
					? new RawAsciiClient(o)
					: protocol === "meta"
						? new RawMetaClient(o)
						: new RawBinaryClient(o);
			this.#clients.set(address, c);
		}
		return c;
	}

	/** Closes raw clients of addresses that left the shard list (their pool entry is lame-duck). */
	#sync(): void {
		if (this.#seenVersion === this.#manager.version) return;
		this.#seenVersion = this.#manager.version;
		const live = new Set(this.#manager.shardStates().map((s) => s.address));
		for (const [address, c] of this.#clients)
			if (!live.has(address)) {
				this.#clients.delete(address);
				void c.close();
			}
	}

	#skip(shardId: number, n: number): void {
		this.#skipped.set(shardId, (this.#skipped.get(shardId) ?? 0) + n);
		if (channels.shardSkipped.hasSubscribers)
			channels.shardSkipped.publish({ shardId, count: n });
	}

	#checkOpen(): Promise<never> | undefined {
		return this.#closed ? Promise.reject(new ClientClosedError()) : undefined;
	}

	// ---- single-key operations (ACTIVE shards only) ----

	get(key: string, options?: RequestOptions): Promise<GetResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (typeof key !== "string")
			return Promise.reject(
				new InvalidArgumentError("get: key must be a string"),
			);
		const s = this.#manager.getShard(key);
		if (s.error !== undefined)
			return Promise.resolve(newGetErrorResponse(key, s.error));
		if (!s.serve) {
			this.#skip(s.shardId, 1);
			return Promise.resolve(
				markSkipped(newGetResponse(key, ResponseStatus.KeyNotFound)),
			);
		}
		return this.#client(s.address as string).get(key, options);
	}

	#mutateOne(
		key: string,
		run: (c: RawClient) => Promise<MutateResponse>,
	): Promise<MutateResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		const s = this.#manager.getShard(key);
		if (s.error !== undefined)
			return Promise.resolve(newMutateErrorResponse(key, s.error));
		if (!s.serve) {
			this.#skip(s.shardId, 1);
			return Promise.resolve(markSkipped(newMutateResponse(key, 0)));
		}
		return run(this.#client(s.address as string));
	}

	#itemKey(item: Item): string | Promise<never> {
		if (
			item === null ||
			typeof item !== "object" ||
			typeof item.key !== "string"
		)
			return Promise.reject(
				new InvalidArgumentError("item must be an object with a string key"),
			);
		return item.key;
	}

	set(item: Item, options?: RequestOptions): Promise<MutateResponse> {
		const key = this.#itemKey(item);
		if (typeof key !== "string") return key;
		return this.#mutateOne(key, (c) => c.set(item, options));
	}
	add(item: Item, options?: RequestOptions): Promise<MutateResponse> {
		const key = this.#itemKey(item);
		if (typeof key !== "string") return key;
		return this.#mutateOne(key, (c) => c.add(item, options));
	}
	replace(item: Item, options?: RequestOptions): Promise<MutateResponse> {
		const key = this.#itemKey(item);
		if (typeof key !== "string") return key;
		return this.#mutateOne(key, (c) => c.replace(item, options));
	}
	delete(key: string, options?: RequestOptions): Promise<MutateResponse> {
		if (typeof key !== "string")
			return Promise.reject(
				new InvalidArgumentError("delete: key must be a string"),
			);
		return this.#mutateOne(key, (c) => c.delete(key, options));
	}
	append(
		key: string,
		value: Uint8Array,
		options?: RequestOptions,
	): Promise<MutateResponse> {
		if (typeof key !== "string")
			return Promise.reject(
				new InvalidArgumentError("append: key must be a string"),
			);
		return this.#mutateOne(key, (c) => c.append(key, value, options));
	}
	prepend(
		key: string,
		value: Uint8Array,
		options?: RequestOptions,
	): Promise<MutateResponse> {
		if (typeof key !== "string")
			return Promise.reject(
				new InvalidArgumentError("prepend: key must be a string"),
			);
		return this.#mutateOne(key, (c) => c.prepend(key, value, options));
	}

	#counter(
		increment: boolean,
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
		options: RequestOptions | undefined,
	): Promise<CountResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (typeof key !== "string")
			return Promise.reject(
				new InvalidArgumentError("counter: key must be a string"),
			);
		const s = this.#manager.getShard(key);
		if (s.error !== undefined)
			return Promise.resolve(newCountErrorResponse(key, s.error));
		if (!s.serve) {
			this.#skip(s.shardId, 1);
			return Promise.resolve(markSkipped(newCountResponse(key, 0)));
		}
		const c = this.#client(s.address as string);
		return increment
			? c.increment(key, delta, initValue, expiration, options)
			: c.decrement(key, delta, initValue, expiration, options);
	}
	increment(
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
		options?: RequestOptions,
	): Promise<CountResponse> {
		return this.#counter(true, key, delta, initValue, expiration, options);
	}
	decrement(
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
		options?: RequestOptions,
	): Promise<CountResponse> {
		return this.#counter(false, key, delta, initValue, expiration, options);
	}

	// ---- meta-only operations (protocol "meta"; ACTIVE shards only) ----

	#meta<R extends { readonly status: number }>(
		name: string,
		key: string,
		skipped: () => R,
		failed: (error: MemcacheError) => R,
		run: (c: RawMetaClient) => Promise<R>,
	): Promise<R> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (typeof key !== "string")
			return Promise.reject(
				new InvalidArgumentError(
					`${name}: key must be a string (shard functions hash strings; use RawMetaClient for byte keys)`,
				),
			);
		const s = this.#manager.getShard(key);
		if (s.error !== undefined) return Promise.resolve(failed(s.error));
		if (!s.serve) {
			this.#skip(s.shardId, 1);
			return Promise.resolve({ ...skipped(), skipped: true });
		}
		const c = this.#client(s.address as string);
		if (!(c instanceof RawMetaClient))
			return Promise.resolve(
				failed(
					new NotSupportedError(
						`${name} needs the meta protocol: create the client with protocol: "meta"`,
					),
				),
			);
		return run(c);
	}

	/**
	 * {@link RawMetaClient.metaGet} on the key's shard: leases (`vivify`), stale-while-revalidate
	 * flags, TTL and access info. A shard that may not serve reads reports a miss
	 * (`skipped: true`).
	 */
	metaGet(
		key: string,
		options?: MetaGetOptions,
	): Promise<MetaGetResponse & { readonly skipped?: boolean | undefined }> {
		return this.#meta(
			"metaGet",
			key,
			() => newMetaGetResponse(key),
			(e) => newMetaGetResponse(key, e),
			(c) => c.metaGet(key, options),
		);
	}

	/**
	 * {@link RawMetaClient.metaGetMulti} per shard (one quiet batch each, run concurrently): one
	 * response per key in input order. Keys of shards that may not serve reads report a miss
	 * (`skipped: true`); keys mapping to no shard an error response.
	 */
	async metaGetMulti(
		keys: readonly string[],
		options?: MetaGetOptions,
	): Promise<(MetaGetResponse & { readonly skipped?: boolean | undefined })[]> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (!Array.isArray(keys))
			throw new InvalidArgumentError(
				"metaGetMulti: keys must be an array of strings",
			);
		for (const k of keys)
			if (typeof k !== "string")
				throw new InvalidArgumentError(
					"metaGetMulti: keys must be strings (use RawMetaClient for byte keys)",
				);
		const out = new Array<
			MetaGetResponse & { readonly skipped?: boolean | undefined }
		>(keys.length);
		const work: Promise<void>[] = [];
		for (const m of this.#manager.getShardsForKeys(keys).values()) {
			if (m.shardId === -1) {
				m.keys.forEach((k, i) => {
					out[m.indices[i] as number] = newMetaGetResponse(
						k,
						m.errors[i] as MemcacheError,
					);
				});
				continue;
			}
			if (!m.serve) {
				this.#skip(m.shardId, m.keys.length);
				m.keys.forEach((k, i) => {
					out[m.indices[i] as number] = {
						...newMetaGetResponse(k),
						skipped: true,
					};
				});
				continue;
			}
			const c = this.#client(m.address as string);
			if (!(c instanceof RawMetaClient)) {
				const e = new NotSupportedError(
					'metaGetMulti needs the meta protocol: create the client with protocol: "meta"',
				);
				m.keys.forEach((k, i) => {
					out[m.indices[i] as number] = newMetaGetResponse(k, e);
				});
				continue;
			}
			work.push(
				c.metaGetMulti(m.keys, options).then((rs) => {
					for (let i = 0; i < rs.length; i++)
						out[m.indices[i] as number] = rs[i] as MetaGetResponse;
				}),
			);
		}
		if (work.length > 0) await Promise.all(work);
		return out;
	}

	/** {@link RawMetaClient.metaSet} on the item's shard. */
	metaSet(
		item: MetaItem & { readonly key: string },
		options?: MetaSetOptions,
	): Promise<MetaMutateResponse & { readonly skipped?: boolean | undefined }> {
		const key = item?.key;
		return this.#meta(
			"metaSet",
			key,
			() => newMetaMutateResponse(key, 0),
			(e) => newMetaMutateResponse(key, 0, 0n, e),
			(c) => c.metaSet(item, options),
		);
	}

	/** {@link RawMetaClient.metaDelete} (delete or invalidate) on the key's shard. */
	metaDelete(
		key: string,
		options?: MetaDeleteOptions,
	): Promise<MetaMutateResponse & { readonly skipped?: boolean | undefined }> {
		return this.#meta(
			"metaDelete",
			key,
			() => newMetaMutateResponse(key, 0),
			(e) => newMetaMutateResponse(key, 0, 0n, e),
			(c) => c.metaDelete(key, options),
		);
	}

	// ---- multi-key operations ----

	#gets(
		keys: readonly string[],
		sentinel: boolean,
		options: RequestOptions | undefined,
	): Promise<Map<string, GetResponse>> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (!Array.isArray(keys))
			return Promise.reject(
				new InvalidArgumentError("getMulti: keys must be an array of strings"),
			);
		for (let i = 0; i < keys.length; i++)
			if (typeof keys[i] !== "string")
				return Promise.reject(
					new InvalidArgumentError("getMulti: keys must be strings"),
				);
		// Keys are grouped as given: the raw clients drop duplicates (first-seen order), and the
		// merge below writes each key once in first-seen order.
		const groups = sentinel
			? this.#manager.getShardsForSentinelsFromKeys(keys)
			: this.#manager.getShardsForKeys(keys);
		if (groups.size === 1) {
			// One shard: the raw client's map already has one entry per key in first-seen order.
			const only = groups.values().next().value as ShardMapping;
			if (only.shardId !== -1 && only.serve)
				return this.#client(only.address as string).getMulti(
					only.keys,
					options,
				);
		}
		return this.#getsSharded(keys, groups, options);
	}

	async #getsSharded(
		keys: readonly string[],
		groups: Map<number, ShardMapping>,
		options: RequestOptions | undefined,
	): Promise<Map<string, GetResponse>> {
		const byKey = new Map<string, GetResponse>();
		const work: Promise<void>[] = [];
		for (const m of groups.values()) {
			if (m.shardId === -1) {
				m.keys.forEach((k, i) => {
					byKey.set(k, newGetErrorResponse(k, m.errors[i] as MemcacheError));
				});
			} else if (!m.serve) {
				const before = byKey.size;
				for (const k of m.keys)
					byKey.set(
						k,
						markSkipped(newGetResponse(k, ResponseStatus.KeyNotFound)),
					);
				this.#skip(m.shardId, byKey.size - before);
			} else {
				work.push(
					this.#client(m.address as string)
						.getMulti(m.keys, options)
						.then((r) => {
							for (const [k, v] of r) byKey.set(k, v);
						}),
				);
			}
		}
		if (work.length > 0) await Promise.all(work);
		const out = new Map<string, GetResponse>();
		for (let i = 0; i < keys.length; i++) {
			const k = keys[i] as string;
			out.set(k, byKey.get(k) as GetResponse);
		}
		return out;
	}

	getMulti(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<Map<string, GetResponse>> {
		return this.#gets(keys, false, options);
	}
	getSentinels(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<Map<string, GetResponse>> {
		return this.#gets(keys, true, options);
	}

	async #mutateMany(
		groups: Map<number, ShardMapping>,
		total: number,
		run: (c: RawClient, m: ShardMapping) => Promise<MutateResponse[]>,
	): Promise<MutateResponse[]> {
		const out = new Array<MutateResponse>(total);
		const work: Promise<void>[] = [];
		for (const m of groups.values()) {
			if (m.shardId === -1) {
				m.keys.forEach((k, i) => {
					out[m.indices[i] as number] = newMutateErrorResponse(
						k,
						m.errors[i] as MemcacheError,
					);
				});
			} else if (!m.serve) {
				this.#skip(m.shardId, m.keys.length);
				m.keys.forEach((k, i) => {
					out[m.indices[i] as number] = markSkipped(newMutateResponse(k, 0));
				});
			} else {
				work.push(
					run(this.#client(m.address as string), m).then((rs) => {
						rs.forEach((r, i) => {
							// godropbox: a WARM_UP shard's failed sentinel write is reported as success.
							out[m.indices[i] as number] =
								m.warmingUp && r.error !== undefined
									? markSkipped(newMutateResponse(r.key, 0))
									: r;
						});
					}),
				);
			}
		}
		if (work.length > 0) await Promise.all(work);
		return out;
	}

	async #items(
		kind: "set" | "add" | "cas",
		items: readonly Item[],
		sentinel: boolean,
		options: RequestOptions | undefined,
	): Promise<MutateResponse[]> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (!Array.isArray(items))
			throw new InvalidArgumentError(`${kind}Multi: items must be an array`);
		const groups = sentinel
			? this.#manager.getShardsForSentinelsFromItems(items)
			: this.#manager.getShardsForItems(items);
		return this.#mutateMany(groups, items.length, (c, m) =>
			kind === "set"
				? c.setMulti(m.items, options)
				: kind === "add"
					? c.addMulti(m.items, options)
					: c.casMulti(m.items, options),
		);
	}

	setMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#items("set", items, false, options);
	}
	setSentinels(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#items("set", items, true, options);
	}
	casMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#items("cas", items, false, options);
	}
	casSentinels(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#items("cas", items, true, options);
	}
	addMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#items("add", items, false, options);
	}

	async deleteMulti(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (!Array.isArray(keys))
			throw new InvalidArgumentError(
				"deleteMulti: keys must be an array of strings",
			);
		return this.#mutateMany(
			this.#manager.getShardsForKeys(keys),
			keys.length,
			(c, m) => c.deleteMulti(m.keys, options),
		);
	}

	// ---- broadcast operations: every shard, whatever its state ----

	async #broadcast<T extends Response>(
		run: (c: RawClient) => Promise<T>,
	): Promise<{ results: Map<number, T>; error: MemcacheError | undefined }> {
		const shards = this.#manager.getAllShards();
		const results = new Map<number, T>();
		await Promise.all(
			[...shards].map(async ([id, address]) => {
				results.set(id, await run(this.#client(address)));
			}),
		);
		let error: MemcacheError | undefined;
		const failed: string[] = [];
		for (const [id, r] of [...results].sort((a, b) => a[0] - b[0])) {
			if (r.error === undefined) continue;
			error ??= r.error;
			failed.push(`shard ${id} (${shards.get(id)}): ${r.error.message}`);
		}
		if (error !== undefined && failed.length > 1)
			error = new MemcacheError(failed.join("; "), error.code, {
				cause: error,
			});
		return { results, error };
	}

	async flush(expiration: number, options?: RequestOptions): Promise<Response> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		const { error } = await this.#broadcast((c) =>
			c.flush(expiration, options),
		);
		return error === undefined ? newResponse(0) : newErrorResponse(error);
	}

	async verbosity(level: number, options?: RequestOptions): Promise<Response> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		const { error } = await this.#broadcast((c) => c.verbosity(level, options));
		return error === undefined ? newResponse(0) : newErrorResponse(error);
	}

	async version(options?: RequestOptions): Promise<VersionResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		const { results, error } = await this.#broadcast((c) => c.version(options));
		const versions = new Map<number, string>();
		for (const [id, r] of [...results].sort((a, b) => a[0] - b[0]))
			for (const v of r.versions.values())
				if (r.error === undefined) versions.set(id, v);
		return error === undefined
			? newVersionResponse(0, versions)
			: newVersionErrorResponse(error, versions);
	}

	async stat(
		statsKey: string,
		options?: RequestOptions,
	): Promise<StatResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		const { results, error } = await this.#broadcast((c) =>
			c.stat(statsKey, options),
		);
		const entries = new Map<number, ReadonlyMap<string, string>>();
		for (const [id, r] of [...results].sort((a, b) => a[0] - b[0]))
			for (const e of r.entries.values()) entries.set(id, e);
		return error === undefined
			? newStatResponse(0, entries)
			: newStatErrorResponse(error, entries);
	}

	// ---- lifecycle ----

	/** Stops taking calls, lets outstanding ones finish, closes every connection (and the manager if owned). */
	close(): Promise<void> {
		if (this.#closing !== undefined) return this.#closing;
		this.#closed = true;
		this.#closing = (async () => {
			await Promise.all([...this.#clients.values()].map((c) => c.close()));
			if (this.#options.closeManager) await this.#manager.close();
		})();
		return this.#closing;
	}

	/** Fails every outstanding call now and closes everything. */
	destroy(err?: Error): Promise<void> {
		this.#closed = true;
		const all = Promise.all(
			[...this.#clients.values()].map((c) => c.destroy(err)),
		);
		this.#closing ??= (async () => {
			await all;
			if (this.#options.closeManager) await this.#manager.close();
		})();
		return this.#closing;
	}

	[Symbol.asyncDispose](): Promise<void> {
		return this.close();
	}
}
