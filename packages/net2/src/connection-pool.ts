import type { ManagedConnection } from "./managed-connection.js";
import type { Network, NetworkAddress } from "./network.js";

/** Options of one `get` call. */
export interface GetOptions {
	/** Aborting rejects the `get` with `ERR_NET2_ABORTED` (`cause` = `signal.reason`). */
	readonly signal?: AbortSignal | undefined;
}

/** Counters of one address's pool at one moment. */
export interface AddressPoolStats {
	readonly network: Network;
	readonly address: string;
	/** Connections on loan. */
	readonly active: number;
	/** Idle connections kept for reuse (alive ones only). */
	readonly idle: number;
	/** `get` calls waiting for a connection (or for their dial). */
	readonly pending: number;
	/** Most connections ever on loan at once. */
	readonly highWaterMark: number;
	/** Dials started. */
	readonly dials: number;
	/** Dials that failed or timed out. */
	readonly dialFailures: number;
	/** Connections closed instead of reused: discards, idle overflow, broken sockets on release. */
	readonly discards: number;
	/** Whether this address's pool is in lame-duck mode (or closing). */
	readonly lameDuck: boolean;
}

/** A snapshot of a pool's counters: totals over addresses plus one entry per address. */
export interface PoolStatsSnapshot {
	readonly active: number;
	readonly idle: number;
	readonly pending: number;
	/** Max over addresses (as godropbox's `ActiveHighWaterMark` for pools of pools). */
	readonly highWaterMark: number;
	readonly dials: number;
	readonly dialFailures: number;
	readonly discards: number;
	readonly addresses: readonly AddressPoolStats[];
}

/**
 * A pool of connections keyed by `(network, address)`. godropbox: net2/connection_pool.go
 * `ConnectionPool`. Every limit of {@link ConnectionOptions} applies per address.
 */
export interface ConnectionPool {
	/**
	 * Adds an address. Idempotent on multi and round-robin pools.
	 * @throws {@link LameDuckError} `ERR_NET2_LAME_DUCK` in lame-duck mode,
	 * {@link PoolClosedError} `ERR_NET2_POOL_CLOSED` after close,
	 * {@link InvalidArgumentError} `ERR_NET2_INVALID_ARGUMENT` for a bad network/address.
	 */
	register(network: Network, address: string): void;
	/**
	 * Forgets an address: its pool enters lame-duck mode (idle connections close now,
	 * connections on loan keep working and are closed when returned). No-op if absent.
	 */
	unregister(network: Network, address: string): void;
	/** The registered addresses. */
	listRegistered(): readonly NetworkAddress[];
	/**
	 * Borrows a connection to a registered address: an idle one if one is alive, else a new
	 * dial. Give it back with `release()` or `discard()`.
	 * @throws (rejects) `ERR_NET2_NOT_REGISTERED`, `ERR_NET2_POOL_CLOSED`, `ERR_NET2_LAME_DUCK`,
	 * `ERR_NET2_ACQUIRE_TIMEOUT`, `ERR_NET2_ABORTED`, `ERR_NET2_DIAL_FAILED`,
	 * `ERR_NET2_DIAL_TIMEOUT`, and in fail-fast mode `ERR_NET2_TOO_MANY_CONNECTIONS`,
	 * `ERR_NET2_DIAL_CONCURRENCY`.
	 */
	get(
		network: Network,
		address: string,
		options?: GetOptions,
	): Promise<ManagedConnection>;
	/**
	 * Same as `conn.release()`.
	 * @throws {@link ForeignConnectionError} `ERR_NET2_FOREIGN_CONNECTION` if another pool issued it.
	 */
	release(conn: ManagedConnection): void;
	/**
	 * Same as `conn.discard()`.
	 * @throws {@link ForeignConnectionError} `ERR_NET2_FOREIGN_CONNECTION` if another pool issued it.
	 */
	discard(conn: ManagedConnection): void;
	/**
	 * Stops handing out connections for good: idle connections close now, waiting `get`s reject
	 * with `ERR_NET2_LAME_DUCK`, connections on loan close when returned, `register` throws.
	 */
	enterLameDuckMode(): void;
	/** Connections on loan, summed over addresses. */
	numActive(): number;
	/** Idle connections, summed over addresses. */
	numIdle(): number;
	/** Max connections ever on loan at once for one address (max over addresses). */
	activeHighWaterMark(): number;
	/** A snapshot of all counters. */
	stats(): PoolStatsSnapshot;
	/**
	 * Drains, then closes: new `get`s reject with `ERR_NET2_POOL_CLOSED`, waiting `get`s are
	 * still served, and the promise resolves once every loan is returned and every socket and
	 * timer is gone. Idempotent (later calls return the same promise).
	 */
	close(): Promise<void>;
	/**
	 * Closes now: waiting `get`s reject with `ERR_NET2_POOL_CLOSED` (`cause` = `err`), in-flight
	 * dials are aborted, sockets on loan are destroyed. Idempotent.
	 */
	destroy(err?: Error): Promise<void>;
	/** Calls `close()`, for `await using`. */
	[Symbol.asyncDispose](): Promise<void>;
}
