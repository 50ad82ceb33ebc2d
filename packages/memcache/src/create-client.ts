import type { ShardFunction } from "@godropbox-ts/hash2";
import { InvalidArgumentError } from "./errors.js";
import type { ConnectionPoolLike } from "./internal/transports.js";
import { StaticShardManager } from "./shard-manager.js";
import { ShardedClient, type ShardedClientOptions } from "./sharded-client.js";

/** Options of {@link createClient}. */
export interface CreateClientOptions
	extends Omit<ShardedClientOptions, "closeManager" | "protocol"> {
	/**
	 * Wire protocol of every shard.
	 *
	 * - `"meta"` (default): memcached's current text protocol (memcached ≥ 1.6). The whole
	 *   contract with the binary client's abilities (CAS on every write, counters with a seed),
	 *   plus `metaGet`/`metaSet`/`metaDelete`. getMulti is one `gets k1 k2 …` command, which
	 *   memcached answers in one event-loop turn (binary's GETQ batch takes one turn per 20
	 *   keys): 1.2–2.3× the binary client's 100-key multi-get in the package benchmark.
	 *   Store statuses are the text protocol's (add on an existing key → `ItemNotStored`).
	 * - `"binary"`: godropbox's protocol (and `ShardedClient`'s default); needed for SASL and
	 *   memcached < 1.6. Its multi-get is 100 GETQ + NOOP, which memcached handles 20 requests
	 *   per event-loop turn (`-R`), so it is the slowest multi-get.
	 * - `"ascii"`: the classic text protocol; no CAS returned by writes, no counter seed.
	 *
	 * @defaultValue "meta"
	 */
	readonly protocol?: "binary" | "ascii" | "meta" | undefined;
	/** `"host:port"` of each shard, in shard id order. */
	readonly servers: readonly string[];
	/**
	 * Key → shard id. Default: hash2's `consistentHashShardFunction` — godropbox's consistent
	 * hash over FNV-1a 64 of the key's UTF-8 bytes.
	 */
	readonly shardFunction?: ShardFunction | undefined;
	/** A net2 pool for the shard addresses (not closed by the client). Default: an internal one. */
	readonly pool?: ConnectionPoolLike | undefined;
}

/**
 * The common case: a {@link ShardedClient} over a {@link StaticShardManager} of `servers`, all
 * ACTIVE, speaking the meta protocol unless `protocol` says otherwise (see
 * {@link CreateClientOptions.protocol}). `close()` also closes the manager (and the pool it
 * created).
 *
 * @example
 * ```ts
 * await using client = createClient({ servers: ["127.0.0.1:11211"], protocol: "binary" });
 * await client.set({ key: "greeting", value: Buffer.from("hello") });
 * (await client.get("greeting")).value?.toString(); // "hello"
 * ```
 * @throws {@link InvalidArgumentError} (ERR_MEMCACHE_INVALID_ARGUMENT) on bad options
 */
export function createClient(options: CreateClientOptions): ShardedClient {
	if (options === null || typeof options !== "object")
		throw new InvalidArgumentError("createClient: options must be an object");
	const { servers, shardFunction, pool, ...rest } = options;
	const manager = new StaticShardManager(servers, shardFunction, {
		pool,
		connectionOptions:
			options.connectTimeout !== undefined
				? { connectTimeout: options.connectTimeout }
				: undefined,
	});
	return new ShardedClient(manager, {
		...rest,
		protocol: rest.protocol ?? "meta",
		closeManager: true,
	});
}
