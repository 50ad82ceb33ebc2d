import type {
	AddressPoolStats,
	ConnectionPool,
	GetOptions,
	PoolStatsSnapshot,
} from "../connection-pool.js";
import {
	ForeignConnectionError,
	InvalidArgumentError,
	LameDuckError,
	NotRegisteredError,
	PoolClosedError,
} from "../errors.js";
import type { ManagedConnection } from "../managed-connection.js";
import { NETWORKS, type Network, type NetworkAddress } from "../network.js";
import {
	type ConnectionOptions,
	type ResolvedConnectionOptions,
	resolveConnectionOptions,
} from "../options.js";
import { AddressPool } from "./address-pool.js";
import { PooledConnection } from "./pooled-connection.js";

const OPEN = 0;
const LAME_DUCK = 1;
const CLOSED = 2;

/** godropbox: net2/connection_pool.go — the location string of a (network, address) pair. */
export function locationKey(network: string, address: string): string {
	return `${network} ${address}`;
}

/** @internal Checks the arguments of register/get; throws InvalidArgumentError. */
export function checkAddress(network: Network, address: string): void {
	if (!NETWORKS.includes(network))
		throw new InvalidArgumentError(
			`network must be one of ${NETWORKS.join(", ")} (got ${String(network)})`,
		);
	if (typeof address !== "string" || address === "")
		throw new InvalidArgumentError("address must be a non-empty string");
}

/**
 * @internal What the three public pools share: a map of per-address pools, lame duck, close,
 * destroy, counters. godropbox: resource_pool/multi_resource_pool.go.
 */
export abstract class PoolGroup implements ConnectionPool {
	/** @internal */
	protected readonly options: ResolvedConnectionOptions;
	/** @internal */
	protected readonly pools = new Map<string, AddressPool>();
	/**
	 * The same pools by network, then address: `get` looks up the caller's own strings (whose
	 * hashes V8 caches) instead of building a `"network address"` key per call.
	 */
	readonly #byNetwork = new Map<string, Map<string, AddressPool>>();
	/** Unregistered pools still lending connections; awaited by close()/destroy(). */
	readonly #retired = new Set<AddressPool>();
	#state: 0 | 1 | 2 = OPEN;
	#closing: Promise<void> | undefined;

	constructor(options?: ConnectionOptions) {
		this.options = resolveConnectionOptions(options);
	}

	/** @internal Throws unless register() may add an address now. */
	protected checkRegister(network: Network, address: string): void {
		checkAddress(network, address);
		if (this.#state === CLOSED) throw new PoolClosedError();
		if (this.#state === LAME_DUCK) throw new LameDuckError(network, address);
	}

	/** @internal Creates and stores the pool of one address (already checked). */
	protected addPool(network: Network, address: string): AddressPool {
		const pool = new AddressPool(this, network, address, this.options);
		this.pools.set(locationKey(network, address), pool);
		let byAddress = this.#byNetwork.get(network);
		if (byAddress === undefined) {
			byAddress = new Map();
			this.#byNetwork.set(network, byAddress);
		}
		byAddress.set(address, pool);
		return pool;
	}

	/** @internal Drops one address's pool into lame duck and forgets it. */
	protected removePool(key: string): boolean {
		const pool = this.pools.get(key);
		if (pool === undefined) return false;
		this.pools.delete(key);
		this.#byNetwork.get(pool.network)?.delete(pool.address);
		pool.enterLameDuckMode();
		this.#retired.add(pool);
		pool.whenDone().then(() => this.#retired.delete(pool));
		return true;
	}

	abstract register(network: Network, address: string): void;

	abstract unregister(network: Network, address: string): void;

	listRegistered(): readonly NetworkAddress[] {
		const out: NetworkAddress[] = [];
		for (const p of this.pools.values())
			out.push({ network: p.network, address: p.address });
		return out;
	}

	/** @internal The pool for a get, or a rejected promise explaining why there is none. */
	protected poolFor(
		network: Network,
		address: string,
	): AddressPool | Promise<never> {
		if (this.#state !== OPEN)
			return Promise.reject(this.stateError(network, address));
		const pool = this.#byNetwork.get(network)?.get(address);
		if (pool === undefined) {
			try {
				checkAddress(network, address);
			} catch (err) {
				return Promise.reject(err);
			}
			return Promise.reject(new NotRegisteredError(network, address));
		}
		return pool;
	}

	get(
		network: Network,
		address: string,
		options?: GetOptions,
	): Promise<ManagedConnection> {
		const pool = this.poolFor(network, address);
		if (pool instanceof Promise) return pool;
		return pool.get(options?.signal);
	}

	#own(conn: ManagedConnection): PooledConnection {
		if (!(conn instanceof PooledConnection) || conn.lender.root !== this)
			throw new ForeignConnectionError();
		return conn;
	}

	release(conn: ManagedConnection): void {
		this.#own(conn).release();
	}

	discard(conn: ManagedConnection): void {
		this.#own(conn).discard();
	}

	enterLameDuckMode(): void {
		if (this.#state !== OPEN) return;
		this.#state = LAME_DUCK;
		for (const p of this.pools.values()) p.enterLameDuckMode();
	}

	/** @internal The error for a call the pool's state refuses. */
	protected stateError(network?: string, address?: string): Error {
		return this.#state === CLOSED
			? new PoolClosedError()
			: new LameDuckError(network, address);
	}

	/** @internal Whether the pool is neither lame duck nor closed. */
	protected get isOpen(): boolean {
		return this.#state === OPEN;
	}

	#all(): AddressPool[] {
		return [...this.pools.values(), ...this.#retired];
	}

	numActive(): number {
		let n = 0;
		for (const p of this.#all()) n += p.numActive;
		return n;
	}

	numIdle(): number {
		let n = 0;
		for (const p of this.#all()) n += p.numIdle;
		return n;
	}

	activeHighWaterMark(): number {
		let n = 0;
		for (const p of this.#all()) n = Math.max(n, p.highWaterMark);
		return n;
	}

	stats(): PoolStatsSnapshot {
		const addresses: AddressPoolStats[] = this.#all().map((p) => p.stats());
		let active = 0;
		let idle = 0;
		let pending = 0;
		let highWaterMark = 0;
		let dials = 0;
		let dialFailures = 0;
		let discards = 0;
		for (const s of addresses) {
			active += s.active;
			idle += s.idle;
			pending += s.pending;
			highWaterMark = Math.max(highWaterMark, s.highWaterMark);
			dials += s.dials;
			dialFailures += s.dialFailures;
			discards += s.discards;
		}
		return {
			active,
			idle,
			pending,
			highWaterMark,
			dials,
			dialFailures,
			discards,
			addresses,
		};
	}

	close(): Promise<void> {
		if (this.#closing === undefined) {
			this.#state = CLOSED;
			this.#closing = Promise.all(this.#all().map((p) => p.close())).then(
				() => undefined,
			);
		}
		return this.#closing;
	}

	destroy(err?: Error): Promise<void> {
		this.#state = CLOSED;
		const done = Promise.all(this.#all().map((p) => p.destroy(err))).then(
			() => undefined,
		);
		if (this.#closing === undefined) this.#closing = done;
		return done;
	}

	[Symbol.asyncDispose](): Promise<void> {
		return this.close();
	}
}
