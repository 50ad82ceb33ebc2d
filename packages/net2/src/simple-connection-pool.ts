import type { GetOptions } from "./connection-pool.js";
import { AlreadyRegisteredError, NotRegisteredError } from "./errors.js";
import { PoolGroup } from "./internal/pool-group.js";
import type { ManagedConnection } from "./managed-connection.js";
import type { Network } from "./network.js";

/**
 * A pool for exactly one address. godropbox: net2/connection_pool.go
 * `NewSimpleConnectionPool` (over resource_pool/simple_resource_pool.go).
 */
export class SimpleConnectionPool extends PoolGroup {
	/**
	 * Sets the one address. May be called once.
	 * @throws {@link AlreadyRegisteredError} `ERR_NET2_ALREADY_REGISTERED` on a second call,
	 * {@link LameDuckError} `ERR_NET2_LAME_DUCK`, {@link PoolClosedError} `ERR_NET2_POOL_CLOSED`,
	 * {@link InvalidArgumentError} `ERR_NET2_INVALID_ARGUMENT`.
	 */
	register(network: Network, address: string): void {
		this.checkRegister(network, address);
		const existing = this.pools.values().next().value;
		if (existing !== undefined)
			throw new AlreadyRegisteredError(existing.network, existing.address);
		this.addPool(network, address);
	}

	/** As godropbox: puts the whole pool into lame-duck mode, whatever the arguments. */
	unregister(_network: Network, _address: string): void {
		this.enterLameDuckMode();
	}

	/**
	 * Borrows a connection to the registered address. The arguments must name it (godropbox
	 * ignores them and dials the registered address anyway).
	 */
	override get(
		network: Network,
		address: string,
		options?: GetOptions,
	): Promise<ManagedConnection> {
		if (this.isOpen && this.pools.size === 0)
			return Promise.reject(new NotRegisteredError(network, address));
		return super.get(network, address, options);
	}
}
