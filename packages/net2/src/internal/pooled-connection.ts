import type { Socket } from "node:net";
import { ConnectionReleasedError } from "../errors.js";
import type { IoOptions, ManagedConnection } from "../managed-connection.js";
import type { Network } from "../network.js";
import { readChunk, writeChunk } from "./io.js";
import type { Slot } from "./slot.js";

/** What a connection needs from the address pool that lent it. */
export interface ConnectionLender {
	/** The public pool this address pool belongs to (for ownership checks). */
	readonly root: object;
	readonly readTimeout: number;
	readonly writeTimeout: number;
	giveBack(slot: Slot, discard: boolean): void;
}

/** @internal The one implementation of {@link ManagedConnection}: one object per loan. */
export class PooledConnection implements ManagedConnection {
	readonly socket: Socket;
	readonly network: Network;
	readonly address: string;
	readonly reused: boolean;
	/** @internal */
	readonly lender: ConnectionLender;
	#slot: Slot | null;

	constructor(
		lender: ConnectionLender,
		slot: Slot,
		network: Network,
		address: string,
		reused: boolean,
	) {
		this.lender = lender;
		this.#slot = slot;
		this.socket = slot.socket as Socket;
		this.network = network;
		this.address = address;
		this.reused = reused;
	}

	get readTimeout(): number {
		return this.lender.readTimeout;
	}

	get writeTimeout(): number {
		return this.lender.writeTimeout;
	}

	get isClosed(): boolean {
		const slot = this.#slot;
		return slot === null || !slot.alive;
	}

	release(): void {
		const slot = this.#slot;
		if (slot === null) return;
		this.#slot = null;
		this.lender.giveBack(slot, false);
	}

	discard(): void {
		const slot = this.#slot;
		if (slot === null) return;
		this.#slot = null;
		this.lender.giveBack(slot, true);
	}

	read(options?: IoOptions): Promise<Buffer | null> {
		if (this.#slot === null)
			return Promise.reject(
				new ConnectionReleasedError(this.network, this.address),
			);
		return readChunk(
			this.socket,
			this.network,
			this.address,
			options?.timeout ?? this.lender.readTimeout,
			options?.signal,
		);
	}

	write(data: string | Uint8Array, options?: IoOptions): Promise<void> {
		if (this.#slot === null)
			return Promise.reject(
				new ConnectionReleasedError(this.network, this.address),
			);
		return writeChunk(
			this.socket,
			data,
			this.network,
			this.address,
			options?.timeout ?? this.lender.writeTimeout,
			options?.signal,
		);
	}
}
