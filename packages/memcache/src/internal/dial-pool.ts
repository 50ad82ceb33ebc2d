import { ConnectionError } from "../errors.js";
import type { ConnectionPoolLike, PooledConnection } from "./transports.js";
import { dialFactory } from "./transports.js";

/**
 * A minimal per-address pool used when no net2 pool is supplied: it only dials (the clients keep
 * their few pipelined connections for their whole life, so there is nothing to keep idle).
 * Unregistering an address is lame-duck mode: connections already handed out keep working and
 * are closed when given back; new `get`s for it fail.
 */
export class DialPool implements ConnectionPoolLike {
	readonly #registered = new Set<string>();
	readonly #connectTimeout: number;
	#closed = false;

	constructor(connectTimeout: number) {
		this.#connectTimeout = connectTimeout;
	}

	register(_network: "tcp", address: string): void {
		this.#registered.add(address);
	}

	unregister(_network: "tcp", address: string): void {
		this.#registered.delete(address);
	}

	listRegistered(): string[] {
		return [...this.#registered];
	}

	async get(
		_network: "tcp",
		address: string,
		options: { signal?: AbortSignal | undefined } = {},
	): Promise<PooledConnection> {
		if (this.#closed || !this.#registered.has(address))
			throw new ConnectionError(
				`address ${address} is not registered with the connection pool`,
				address,
			);
		const t = await dialFactory(
			address,
			this.#connectTimeout,
		)(options.signal ?? new AbortController().signal);
		return {
			socket: t.socket,
			release: () => t.release(),
			discard: () => t.discard(),
		};
	}

	close(): void {
		this.#closed = true;
		this.#registered.clear();
	}
}
