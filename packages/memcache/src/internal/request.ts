import type { MemcacheError } from "../errors.js";
import type { Writer } from "./writer.js";

// Method-style type: bivariant, so a PendingRequest<X> is usable as a PendingRequest<unknown>.
type Resolver<T> = { bivarianceHack(value: T): void }["bivarianceHack"];

/** What a connection needs from a queued request (no result type). */
export interface QueuedRequest {
	sentAt: number;
	deadline: number;
	done: boolean;
	write(w: Writer, opaque: number): number;
	parse(buf: Buffer, off: number): number;
	fail(error: MemcacheError): void;
}

/**
 * One request object per operation (or per pipelined batch), held in a connection's FIFO queue
 * until its whole reply has been parsed (the ioredis Command/DataHandler model). A request knows
 * how to encode itself and how to parse its own reply, so the connection is protocol-agnostic:
 * binary, ascii and meta codecs all plug in as request classes.
 */
export abstract class PendingRequest<T = unknown> implements QueuedRequest {
	/** Settles with the decoded result (or error responses): never rejects. */
	readonly promise: Promise<T>;
	protected resolve!: Resolver<T>;
	/** Set by the connection when queued (performance.now() ms). */
	sentAt = 0;
	/** Set by the connection: the moment the reply must be complete (performance.now() ms). */
	deadline = 0;
	/** True once the whole reply was consumed (or the request failed). */
	done = false;

	constructor() {
		this.promise = new Promise<T>((resolve) => {
			this.resolve = resolve;
		});
	}

	/**
	 * Encodes the request. `opaque` is a fresh per-connection number the request may put in its
	 * frames and verify in replies. Returns how many opaque values it used.
	 */
	abstract write(w: Writer, opaque: number): number;

	/**
	 * Parses the reply from `buf[off..]`. Returns the bytes consumed (> 0); or 0 when more bytes
	 * are needed; or `-n` when at least `n` bytes from `off` are needed. Sets `done` when the
	 * reply is complete. Throws `ProtocolViolation` when the bytes break the protocol.
	 */
	abstract parse(buf: Buffer, off: number): number;

	/** Settles the request with error responses (connection failure, timeout, violation). */
	abstract fail(error: MemcacheError): void;

	protected finish(value: T): void {
		this.done = true;
		this.resolve(value);
	}
}
