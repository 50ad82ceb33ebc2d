import type { ShardFunction } from "@godropbox-ts/hash2";
import {
	type ConnectionOptions,
	MultiConnectionPool,
} from "@godropbox-ts/net2";
import {
	InvalidArgumentError,
	type MemcacheError,
	ShardOutOfRangeError,
	UnmappedKeyError,
} from "./errors.js";
import { defaultShardFunction } from "./internal/default-shard-function.js";
import { channels } from "./internal/diagnostics.js";
import { withReadSinkDial } from "./internal/read-sink.js";
import type { ConnectionPoolLike } from "./internal/transports.js";
import { parseAddress } from "./internal/transports.js";
import type { Item } from "./types.js";

/**
 * Shard states (godropbox: memcache/base_shard_manager.go). There is no state 3.
 *
 * | state | single-key & multi ops | *Sentinels | broadcast |
 * |---|---|---|---|
 * | Active | served | served | served |
 * | WriteOnly | skipped | served | served |
 * | Down | skipped | skipped | served |
 * | WarmUp | skipped | served; write failures reported as success | served |
 */
export const ShardState = {
	Active: 0,
	WriteOnly: 1,
	Down: 2,
	WarmUp: 4,
} as const;

/** A value of {@link ShardState}. */
export type ShardState = (typeof ShardState)[keyof typeof ShardState];

/** One shard: its server and state. Shard id = index in the list. */
export interface ShardStateEntry {
	readonly address: string;
	readonly state: ShardState;
}

/** Keys (and items) of one shard for one call. */
export interface ShardMapping {
	/** Shard id, or -1 for keys that map to no shard. */
	readonly shardId: number;
	/** The shard's server, undefined for -1. */
	readonly address: string | undefined;
	/** Whether the shard is contacted for this kind of call (false = skipped). */
	readonly serve: boolean;
	/** WARM_UP shard in a sentinel call: write failures become successes. */
	readonly warmingUp: boolean;
	/** Keys in input order (duplicates kept). */
	readonly keys: string[];
	/** Input positions of `keys`. */
	readonly indices: number[];
	/** Items (item variants only), aligned with `keys`. */
	readonly items: Item[];
	/** For shard -1: the error of each key (unmapped or out of range), aligned with `keys`. */
	readonly errors: MemcacheError[];
}

/** The shard of one key. */
export interface ShardLookup {
	readonly shardId: number;
	readonly address: string | undefined;
	/** ACTIVE shards only (the rule for single-key operations). */
	readonly serve: boolean;
	/** Set when the key maps to no shard or the shard function misbehaved. */
	readonly error: MemcacheError | undefined;
}

/**
 * Maps keys to shards and shards to servers (godropbox: memcache/interface.go ShardManager).
 * Connections are not handed out per call: the sharded client keeps pipelined connections per
 * address, borrowed from {@link ShardManager.pool}.
 */
export interface ShardManager {
	/** The pool the manager registers shard addresses with. */
	readonly pool: ConnectionPoolLike;
	/** The current shard list (a frozen snapshot, replaced by every update). */
	shardStates(): readonly ShardStateEntry[];
	/** Increases on every {@link ShardManager.updateShardStates}. */
	readonly version: number;
	getShard(key: string): ShardLookup;
	getShardsForKeys(keys: readonly string[]): Map<number, ShardMapping>;
	getShardsForItems(items: readonly Item[]): Map<number, ShardMapping>;
	getShardsForSentinelsFromKeys(
		keys: readonly string[],
	): Map<number, ShardMapping>;
	getShardsForSentinelsFromItems(
		items: readonly Item[],
	): Map<number, ShardMapping>;
	/** Every shard, whatever its state (broadcast operations). */
	getAllShards(): Map<number, string>;
	updateShardStates(states: readonly ShardStateEntry[]): void;
	/** Releases what the manager created (its default pool). */
	close(): Promise<void>;
}

/** Options of {@link BaseShardManager}. */
export interface ShardManagerOptions {
	/**
	 * The net2 pool to register addresses with. Not closed by the manager. Default: a net2
	 * `MultiConnectionPool` built from `connectionOptions`, closed by `close()`.
	 */
	readonly pool?: ConnectionPoolLike | undefined;
	/** Options of the default net2 `MultiConnectionPool` (ignored with `pool`). */
	readonly connectionOptions?: ConnectionOptions | undefined;
	/** Receives errors from pool register/unregister (godropbox's logError). */
	readonly onError?: ((error: unknown) => void) | undefined;
}

const VALID_STATES = new Set<number>([0, 1, 2, 4]);
const EMPTY: readonly ShardStateEntry[] = Object.freeze([]);

/**
 * The shard map godropbox's managers share (memcache/base_shard_manager.go): a shard function,
 * a state list swapped atomically by {@link BaseShardManager.updateShardStates}, and address
 * registration with the pool.
 */
export class BaseShardManager implements ShardManager {
	readonly pool: ConnectionPoolLike;
	readonly #shardFunction: ShardFunction;
	readonly #ownsPool: boolean;
	readonly #onError: (error: unknown) => void;
	#states: readonly ShardStateEntry[] = EMPTY;
	#version = 0;

	/**
	 * @param shardFunction - `(key, numShards) → shard id` in `[-1, numShards)`
	 * @throws {@link InvalidArgumentError} when `shardFunction` is not a function
	 */
	constructor(shardFunction: ShardFunction, options: ShardManagerOptions = {}) {
		if (typeof shardFunction !== "function")
			throw new InvalidArgumentError(
				"shardFunction must be a function (key, numShards) => shardId",
			);
		this.#shardFunction = shardFunction;
		this.#ownsPool = options.pool === undefined;
		this.pool =
			options.pool ??
			new MultiConnectionPool(withReadSinkDial(options.connectionOptions));
		this.#onError = options.onError ?? (() => {});
	}

	get version(): number {
		return this.#version;
	}

	shardStates(): readonly ShardStateEntry[] {
		return this.#states;
	}

	/**
	 * Replaces the shard list: registers addresses that appear, unregisters (lame-ducks) those
	 * that disappear, leaves the rest untouched. Pool errors go to `onError`, not to the caller.
	 *
	 * @throws {@link InvalidArgumentError} on a malformed entry (bad address or state)
	 */
	updateShardStates(states: readonly ShardStateEntry[]): void {
		if (!Array.isArray(states))
			throw new InvalidArgumentError(
				"updateShardStates: expected an array of { address, state }",
			);
		const next: ShardStateEntry[] = [];
		for (const s of states) {
			if (s === null || typeof s !== "object" || typeof s.address !== "string")
				throw new InvalidArgumentError(
					"updateShardStates: each entry needs an address string",
				);
			try {
				parseAddress(s.address);
			} catch (err) {
				throw new InvalidArgumentError((err as Error).message);
			}
			if (!VALID_STATES.has(s.state))
				throw new InvalidArgumentError(
					`updateShardStates: invalid state ${String(s.state)} for ${s.address} (use ShardState)`,
				);
			next.push(Object.freeze({ address: s.address, state: s.state }));
		}
		const oldAddrs = new Set(this.#states.map((s) => s.address));
		const newAddrs = new Set(next.map((s) => s.address));
		for (const a of newAddrs)
			if (!oldAddrs.has(a)) this.#poolCall(() => this.pool.register("tcp", a));
		for (const a of oldAddrs)
			if (!newAddrs.has(a))
				this.#poolCall(() => this.pool.unregister("tcp", a));
		this.#states = Object.freeze(next);
		this.#version++;
		if (channels.shardStates.hasSubscribers)
			channels.shardStates.publish({
				version: this.#version,
				states: this.#states,
			});
	}

	#poolCall(fn: () => unknown): void {
		try {
			const r = fn();
			if (r instanceof Promise) r.catch(this.#onError);
		} catch (err) {
			this.#onError(err);
		}
	}

	/** The shard id of `key`, or an error for unmapped / out-of-range ids. */
	#shardId(key: string, n: number): number | MemcacheError {
		const id = this.#shardFunction(key, n);
		if (id === -1) return new UnmappedKeyError(key);
		if (!Number.isInteger(id) || id < -1 || id >= n)
			return new ShardOutOfRangeError(key, id, n);
		return id;
	}

	getShard(key: string): ShardLookup {
		const states = this.#states;
		const id = this.#shardId(key, states.length);
		if (typeof id !== "number")
			return { shardId: -1, address: undefined, serve: false, error: id };
		const s = states[id] as ShardStateEntry;
		return {
			shardId: id,
			address: s.address,
			serve: s.state === ShardState.Active,
			error: undefined,
		};
	}

	#group(
		keys: readonly string[],
		items: readonly Item[] | undefined,
		sentinel: boolean,
	) {
		const states = this.#states;
		const out = new Map<number, ShardMapping>();
		// Consecutive keys of one shard (all of them with one server) skip the map lookup.
		let lastSid = -2;
		let last: ShardMapping | undefined;
		for (let i = 0; i < keys.length; i++) {
			const key = keys[i] as string;
			const id = this.#shardId(key, states.length);
			const sid = typeof id === "number" ? id : -1;
			let m = sid === lastSid ? last : out.get(sid);
			if (m === undefined) {
				const s = sid >= 0 ? (states[sid] as ShardStateEntry) : undefined;
				const serve =
					s !== undefined &&
					(s.state === ShardState.Active ||
						(sentinel &&
							(s.state === ShardState.WriteOnly ||
								s.state === ShardState.WarmUp)));
				m = {
					shardId: sid,
					address: s?.address,
					serve,
					warmingUp: sentinel && s?.state === ShardState.WarmUp,
					keys: [],
					indices: [],
					items: [],
					errors: [],
				};
				out.set(sid, m);
			}
			lastSid = sid;
			last = m;
			m.keys.push(key);
			m.indices.push(i);
			if (items !== undefined) m.items.push(items[i] as Item);
			if (typeof id !== "number") m.errors.push(id);
		}
		return out;
	}

	getShardsForKeys(keys: readonly string[]): Map<number, ShardMapping> {
		return this.#group(keys, undefined, false);
	}

	getShardsForItems(items: readonly Item[]): Map<number, ShardMapping> {
		return this.#group(itemKeys(items), items, false);
	}

	getShardsForSentinelsFromKeys(
		keys: readonly string[],
	): Map<number, ShardMapping> {
		return this.#group(keys, undefined, true);
	}

	getShardsForSentinelsFromItems(
		items: readonly Item[],
	): Map<number, ShardMapping> {
		return this.#group(itemKeys(items), items, true);
	}

	getAllShards(): Map<number, string> {
		const out = new Map<number, string>();
		this.#states.forEach((s, i) => {
			out.set(i, s.address);
		});
		return out;
	}

	async close(): Promise<void> {
		if (this.#ownsPool) await this.pool.close?.();
	}
}

function itemKeys(items: readonly Item[]): string[] {
	return items.map((it) =>
		it !== null && typeof it === "object" ? it.key : "",
	);
}

/**
 * A {@link BaseShardManager} whose shard i is `servers[i]`, all ACTIVE (godropbox:
 * memcache/static_shard_manager.go). Call `updateShardStates` to change states later.
 */
export class StaticShardManager extends BaseShardManager {
	/**
	 * @param servers - `"host:port"` per shard
	 * @param shardFunction - key → shard id; defaults to hash2's consistent hash
	 * @throws {@link InvalidArgumentError} on an empty list or a malformed address
	 */
	constructor(
		servers: readonly string[],
		shardFunction?: ShardFunction | undefined,
		options: ShardManagerOptions = {},
	) {
		if (!Array.isArray(servers) || servers.length === 0)
			throw new InvalidArgumentError(
				'StaticShardManager needs at least one "host:port" server',
			);
		super(shardFunction ?? defaultShardFunction, options);
		this.updateShardStates(
			servers.map((address) => ({ address, state: ShardState.Active })),
		);
	}
}
