import type { GetOptions } from "./connection-pool.js";
import { Net2ErrorCode, NoConnectionAvailableError } from "./errors.js";
import type { AddressPool } from "./internal/address-pool.js";
import { locationKey, PoolGroup } from "./internal/pool-group.js";
import type { ManagedConnection } from "./managed-connection.js";
import type { Network } from "./network.js";

/**
 * Per-address pools for replicas of one service, plus {@link RoundRobinConnectionPool.getNext},
 * which takes connections from the registered addresses in turn. godropbox:
 * resource_pool/round_robin_resource_pool.go (net2 has no public constructor for it).
 *
 * The visiting order is a random shuffle, fixed between membership changes, so consecutive
 * `getNext` calls walk one cycle. `get(network, address)` still borrows from that address.
 */
export class RoundRobinConnectionPool extends PoolGroup {
	#order: AddressPool[] = [];
	#counter = 0;

	/**
	 * Adds an address (no-op if present) and reshuffles the visiting order.
	 * @throws {@link LameDuckError} `ERR_NET2_LAME_DUCK`, {@link PoolClosedError}
	 * `ERR_NET2_POOL_CLOSED`, {@link InvalidArgumentError} `ERR_NET2_INVALID_ARGUMENT`.
	 */
	register(network: Network, address: string): void {
		this.checkRegister(network, address);
		if (this.pools.has(locationKey(network, address))) return;
		this.addPool(network, address);
		this.#shuffle();
	}

	/** Forgets an address (its pool enters lame duck) and reshuffles. No-op if absent. */
	unregister(network: Network, address: string): void {
		if (this.removePool(locationKey(network, address))) this.#shuffle();
	}

	#shuffle(): void {
		const order = [...this.pools.values()];
		for (let i = order.length - 1; i > 0; i--) {
			const j = Math.floor(Math.random() * (i + 1));
			const t = order[i] as AddressPool;
			order[i] = order[j] as AddressPool;
			order[j] = t;
		}
		this.#order = order;
	}

	/**
	 * Borrows from the next address in the cycle. An address that fails (dial error, or in
	 * fail-fast mode at its limit) is skipped and the next one tried, at most once each; in wait
	 * mode addresses at their limit are skipped while another one has room.
	 * @throws (rejects) {@link NoConnectionAvailableError} `ERR_NET2_NO_CONNECTION_AVAILABLE`
	 * (`cause` = the last failure; also when nothing is registered), `ERR_NET2_ABORTED`,
	 * `ERR_NET2_POOL_CLOSED`, `ERR_NET2_LAME_DUCK`.
	 */
	async getNext(options?: GetOptions): Promise<ManagedConnection> {
		if (!this.isOpen) throw this.stateError();
		const order = this.#order;
		const n = order.length;
		let lastError: unknown;
		let waitOn: AddressPool | undefined;
		for (let attempt = 0; attempt < n; attempt++) {
			const pool = order[this.#counter++ % n] as AddressPool;
			if (this.options.waitForConnection && !pool.hasCapacity) {
				waitOn ??= pool;
				continue;
			}
			try {
				return await pool.get(options?.signal);
			} catch (err) {
				if ((err as { code?: unknown }).code === Net2ErrorCode.Aborted)
					throw err;
				lastError = err;
			}
		}
		if (waitOn !== undefined) {
			try {
				return await waitOn.get(options?.signal);
			} catch (err) {
				if ((err as { code?: unknown }).code === Net2ErrorCode.Aborted)
					throw err;
				lastError = err;
			}
		}
		throw new NoConnectionAvailableError(lastError);
	}
}
