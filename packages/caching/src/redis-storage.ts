import type {
	Cluster,
	ClusterNode,
	ClusterOptions,
	Redis,
	RedisOptions,
} from "ioredis";
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
import { redisKeySlot } from "./internal/redis-key-slot.js";
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
	/**
	 * Prepended to every key (after the client's own ioredis `keyPrefix`, if any); `flush()`
	 * deletes only keys under both. On a Cluster a `{hashtag}` prefix puts every key in one slot.
	 * @defaultValue ""
	 */
	readonly prefix?: string | undefined;
	/** Item ↔ bytes. @defaultValue {@link jsonCodec} */
	readonly codec?: Codec<V> | undefined;
	/** Default TTL of written items, ms; `0` = no expiry. @defaultValue 0 */
	readonly ttl?: number | undefined;
}

/**
 * A storage on Redis through ioredis (a `Redis` or a `Cluster` client).
 *
 * Multi operations are one pipeline on a single server. On a Cluster they are grouped by the
 * node that serves each key's hash slot (CRC16 of the key, or of its `{hashtag}`) and sent as
 * one pipeline per node, in parallel; results come back in input order. Keys of one call may
 * span any number of slots: no command ever carries two keys, so CROSSSLOT cannot happen.
 * Until the Cluster client knows its slot table (before `ready`), keys are sent one by one and
 * ioredis routes and queues each.
 *
 * Values are the codec's bytes behind one header byte (item or fill-guard tombstone). Only
 * GET/SET/DEL/SCAN (and a no-op ECHO in cluster pipelines) are used, whose replies are the
 * same in RESP2 and RESP3; clients created by {@link RedisStorage.connect} and
 * {@link RedisStorage.connectCluster} pin `protocol: 2` so ioredis 6's RESP3 default changes
 * nothing.
 */
export class RedisStorage<K, V> implements FillGuardedStorage<K, V> {
	readonly name: string;
	readonly #client: Redis | Cluster;
	readonly #owned: boolean;
	readonly #keyOf: KeyOfFunc<K, V>;
	readonly #keyToString: ToStringFunc<K>;
	readonly #prefix: string;
	/** The client's own ioredis `keyPrefix`, which ioredis adds in front of our keys. */
	readonly #clientPrefix: string;
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
		this.#clientPrefix = keyPrefixOf(client.options);
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

	/**
	 * Creates its own ioredis `Cluster` client for `startupNodes` (every node connection pinned
	 * to RESP2: `redisOptions.protocol: 2`), waits until it is ready; `close()` disconnects it.
	 * @example
	 * const s = await RedisStorage.connectCluster<string, User>(
	 *   [{ host: "127.0.0.1", port: 7000 }],
	 *   { keyOf: (u) => u.id, prefix: "users:" },
	 * );
	 */
	static async connectCluster<K, V>(
		startupNodes: readonly ClusterNode[],
		options: RedisStorageOptions<K, V>,
		clusterOptions: ClusterOptions = {},
	): Promise<RedisStorage<K, V>> {
		const { Cluster: ClusterClient } = await import("ioredis");
		// ioredis 6 speaks RESP3 by default; 5.x ignores the option.
		const pinned = {
			lazyConnect: true,
			...clusterOptions,
			redisOptions: { protocol: 2, ...clusterOptions.redisOptions },
		} as ClusterOptions;
		const client = new ClusterClient([...startupNodes], pinned);
		try {
			await client.connect();
		} catch (err) {
			client.disconnect();
			throw err;
		}
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
		keys: readonly string[],
		add: (p: PipelineLike, i: number) => void,
		single: (i: number) => Promise<T>,
	): Promise<T[]> {
		this.#check();
		const n = keys.length;
		if (n === 0) return [];
		try {
			if (n === 1) return [await single(0)];
			if (this.#client.isCluster)
				return await this.#eachOnCluster(
					this.#client as Cluster,
					keys,
					add,
					single,
				);
			const p = this.#client.pipeline() as unknown as PipelineLike;
			for (let i = 0; i < n; i++) add(p, i);
			const out: T[] = new Array(n);
			await execInto(p, n, null, out);
			return out;
		} catch (err) {
			if (err instanceof CodecError || err instanceof ClosedError) throw err;
			throw this.#fail(op, err);
		}
	}

	/**
	 * One pipeline per node group (a master and its replicas), as ioredis requires of a Cluster
	 * pipeline; the groups run in parallel and fill `out` by input index.
	 */
	async #eachOnCluster<T>(
		cluster: Cluster,
		keys: readonly string[],
		add: (p: PipelineLike, i: number) => void,
		single: (i: number) => Promise<T>,
	): Promise<T[]> {
		const n = keys.length;
		const slots = cluster.slots;
		const ready = cluster.status === "ready";
		const groups = new Map<string, number[]>();
		for (let i = 0; i < n; i++) {
			const owners = ready
				? slots[redisKeySlot(this.#clientPrefix + (keys[i] as string))]
				: undefined;
			if (owners === undefined) {
				// No slot table (yet): let ioredis route, and queue, key by key.
				return await Promise.all(
					Array.from({ length: n }, (_, j) => single(j)),
				);
			}
			const id = owners.join(";");
			const g = groups.get(id);
			if (g === undefined) groups.set(id, [i]);
			else g.push(i);
		}
		const out: T[] = new Array(n);
		await Promise.all(
			Array.from(groups.values(), async (idx) => {
				const p = cluster.pipeline() as unknown as PipelineLike;
				for (const i of idx) add(p, i);
				// A keyless, non-read-only no-op: ioredis re-runs a whole pipeline on the node
				// named by a MOVED/ASK when every other command was read-only, and after an ASK
				// that re-run serves the keys of the slot not yet migrated as misses from the
				// importing node. With this reply in the pipeline it never does; refused
				// commands come back as errors and are resent one by one below.
				p.echo("");
				let redirected: number[] | undefined;
				try {
					redirected = await execInto(p, idx.length, idx, out, true);
				} catch (err) {
					// ioredis can still re-run it itself (every reply, the no-op's too, failed
					// alike: a lost connection) and reject the re-run whole, unsent, if the slot
					// table changed meanwhile. Resending key by key is then safe: GET, SET, DEL
					// and tombstones are idempotent, and a repeated SET NX can only report a
					// stored fill as not added.
					if (!(err instanceof Error) || !REGROUPED.test(err.message))
						throw err;
					redirected = idx as number[];
				}
				// A slot moved (resharding, failover) under a stale slot table: the server did
				// not run those commands, so resend just them one by one; ioredis follows the
				// redirection and refreshes its table.
				if (redirected !== undefined)
					await Promise.all(
						redirected.map(async (i) => {
							out[i] = await single(i);
						}),
					);
			}),
		);
		return out;
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
			ks,
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
			args.map((a) => a[0]),
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
			ks,
			(p, i) => p.del(ks[i] as string),
			(i) => this.#client.del(ks[i] as string),
		);
	}

	/**
	 * Deletes every key of this storage: those under the client's ioredis `keyPrefix` + `prefix`,
	 * found with SCAN `MATCH <keyPrefix><prefix>*` (glob characters escaped) and deleted, on the
	 * server or, on a Cluster, on every master. When both prefixes are empty the whole logical
	 * database is flushed (`FLUSHDB`, on every master of a Cluster). Same semantics on both; on
	 * a Cluster the found keys are deleted one DEL per key (pipelined per master), since one DEL
	 * of keys in different slots fails with CROSSSLOT.
	 */
	async flush(_options?: OperationOptions): Promise<void> {
		this.#check();
		try {
			let nodes: Redis[];
			if (this.#client.isCluster) {
				const cluster = this.#client as Cluster;
				// The master list is only known once the client is ready; a keyless command
				// connects a lazy client and waits for it.
				if (cluster.status !== "ready") await cluster.ping();
				nodes = cluster.nodes("master");
				if (nodes.length === 0) throw new Error("the cluster has no master");
			} else nodes = [this.#client as Redis];
			const cluster = this.#client.isCluster;
			const namespace = this.#clientPrefix + this.#prefix;
			const pattern = `${escapeGlob(namespace)}*`;
			await Promise.all(
				nodes.map(async (node) => {
					if (namespace === "") {
						await node.flushdb();
						return;
					}
					// SCAN's pattern is not prefixed by ioredis, its replies are whole keys, and DEL
					// prefixes again with the connection's keyPrefix: strip that one first. (A
					// Cluster's node connections carry `redisOptions.keyPrefix`, not `keyPrefix`.)
					const strip = keyPrefixOf(node.options).length;
					let cursor = "0";
					// Bounded by the key space: SCAN visits each key at least once, then returns "0".
					do {
						const [next, found] = await node.scan(
							cursor,
							"MATCH",
							pattern,
							"COUNT",
							1000,
						);
						cursor = next;
						if (found.length === 0) continue;
						const keys = strip === 0 ? found : found.map((k) => k.slice(strip));
						if (!cluster) {
							await node.del(...keys);
							continue;
						}
						const p = node.pipeline() as unknown as PipelineLike;
						for (const k of keys) p.del(k);
						await execInto(p, keys.length, null, new Array(keys.length));
					} while (cursor !== "0");
				}),
			);
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
			args.map((a) => a[0]),
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
			ks,
			(p, i) => p.set(ks[i] as string, t, "PX", ttl),
			(i) => this.#client.set(ks[i] as string, t, "PX", ttl),
		);
	}

	/** Disconnects the client if {@link RedisStorage.connect} created it; idempotent. */
	close(): Promise<void> {
		if (this.#closed === undefined)
			this.#closed = this.#owned
				? quitAndWait(this.#client)
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
	echo(message: string): unknown;
	exec(): Promise<[Error | null, unknown][] | null>;
}

/** The ioredis `keyPrefix` option of a client or node connection, as a string. */
function keyPrefixOf(options: { readonly keyPrefix?: unknown }): string {
	const kp = options.keyPrefix;
	if (typeof kp === "string") return kp;
	return Buffer.isBuffer(kp) ? kp.toString("utf8") : "";
}

/** Escapes the glob characters of SCAN MATCH (`*?[]\\`), so a prefix matches only itself. */
function escapeGlob(s: string): string {
	return s.replace(/[*?[\]\\]/g, "\\$&");
}

/**
 * Runs a pipeline of `n` commands and stores reply `j` at `out[idx[j]]` (or `out[j]` when
 * `idx` is null); the first command error rejects. With `collectRedirects`, commands refused
 * with a cluster redirection (MOVED, ASK, TRYAGAIN, CLUSTERDOWN: not executed) are returned as
 * a list of their `out` indices instead.
 */
async function execInto<T>(
	p: PipelineLike,
	n: number,
	idx: readonly number[] | null,
	out: T[],
	collectRedirects = false,
): Promise<number[] | undefined> {
	const replies = await p.exec();
	let redirected: number[] | undefined;
	for (let j = 0; j < n; j++) {
		const [err, value] = (replies?.[j] ?? [new Error("no reply"), null]) as [
			Error | null,
			T,
		];
		const at = idx === null ? j : (idx[j] as number);
		if (err) {
			if (collectRedirects && REDIRECT.test(err.message)) {
				redirected ??= [];
				redirected.push(at);
				continue;
			}
			throw err;
		}
		out[at] = value;
	}
	return redirected;
}

/** Cluster replies meaning "not executed here, try again or elsewhere". */
const REDIRECT = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;

/** ioredis' rejection of a pipeline whose keys span node groups (ioredis 5: lib/Pipeline.ts). */
const REGROUPED = /same slots allocation group/;

/**
 * QUIT (or disconnect if that fails), then wait for the client's `end` event: a Cluster's
 * `quit()` resolves while its node connections are still closing. The wait is bounded (5 s).
 */
function quitAndWait(client: Redis | Cluster): Promise<void> {
	if (client.status === "end") return Promise.resolve();
	let finish: () => void = () => {};
	const ended = new Promise<void>((resolve) => {
		finish = resolve;
	});
	const onEnd = (): void => finish();
	const timer = setTimeout(onEnd, 5000);
	timer.unref();
	client.once("end", onEnd);
	return client
		.quit()
		.then(
			() => undefined,
			() => client.disconnect(),
		)
		.then(() => (client.status === "end" ? undefined : ended))
		.finally(() => {
			clearTimeout(timer);
			client.removeListener("end", onEnd);
		});
}
