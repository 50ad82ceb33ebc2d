import { locationKey, PoolGroup } from "./internal/pool-group.js";
import type { Network } from "./network.js";

/**
 * A pool of independent per-address pools; every limit applies per address. This is what a
 * sharded client (memcache) uses. godropbox: net2/connection_pool.go `NewMultiConnectionPool`.
 *
 * @example
 * ```ts
 * await using pool = new MultiConnectionPool({ maxActiveConnections: 8 });
 * pool.register("tcp", "127.0.0.1:11211");
 * const conn = await pool.get("tcp", "127.0.0.1:11211");
 * try { await conn.write("version\r\n"); console.log(String(await conn.read())); conn.release(); }
 * catch (err) { conn.discard(); throw err; }
 * ```
 */
export class MultiConnectionPool extends PoolGroup {
	/**
	 * Adds an address; a no-op if it is already registered.
	 * @throws {@link LameDuckError} `ERR_NET2_LAME_DUCK`, {@link PoolClosedError}
	 * `ERR_NET2_POOL_CLOSED`, {@link InvalidArgumentError} `ERR_NET2_INVALID_ARGUMENT`.
	 */
	register(network: Network, address: string): void {
		this.checkRegister(network, address);
		if (this.pools.has(locationKey(network, address))) return;
		this.addPool(network, address);
	}

	/**
	 * Forgets an address: its pool enters lame duck (connections on loan keep working and are
	 * closed when returned). A no-op if it is not registered.
	 */
	unregister(network: Network, address: string): void {
		this.removePool(locationKey(network, address));
	}
}
