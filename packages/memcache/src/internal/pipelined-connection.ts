import type net from "node:net";
import {
	ClientClosedError,
	ConnectionError,
	type MemcacheError,
	ProtocolError,
	TimeoutError,
} from "../errors.js";
import { channels } from "./diagnostics.js";
import { Fifo } from "./fifo.js";
import { hasReadSink, READ_SINK } from "./read-sink.js";
import type { QueuedRequest } from "./request.js";
import { ProtocolViolation } from "./violation.js";
import { Writer } from "./writer.js";

/**
 * Matches reply bytes to queued requests, strictly in FIFO order. No socket: the unit tests
 * feed it server bytes split at arbitrary points.
 */
export class ReplyReader {
	readonly queue = new Fifo<QueuedRequest>();
	#parts: Buffer[] = [];
	#partLength = 0;
	#need = 0;
	readonly #onDone: ((req: QueuedRequest) => void) | undefined;

	constructor(onDone?: (req: QueuedRequest) => void) {
		this.#onDone = onDone;
	}

	/** Bytes received and not yet consumed by a complete reply element. */
	get buffered(): number {
		return this.#partLength;
	}

	/**
	 * Feeds bytes from the server. Throws `ProtocolViolation` on a framing error, including
	 * bytes arriving while no request is outstanding. `transient`: `chunk` is only valid during
	 * this call (a reused read buffer), so whatever is kept of it is copied.
	 */
	feed(chunk: Buffer, transient = false): void {
		let buf: Buffer;
		if (this.#partLength > 0) {
			this.#parts.push(transient ? Buffer.from(chunk) : chunk);
			this.#partLength += chunk.length;
			if (this.#partLength < this.#need) return;
			buf = Buffer.concat(this.#parts, this.#partLength);
			this.#parts = [];
			this.#partLength = 0;
		} else {
			buf = chunk;
		}
		let off = 0;
		const len = buf.length;
		while (off < len) {
			const req = this.queue.peek();
			if (req === undefined)
				throw new ProtocolViolation(
					`${len - off} unexpected byte(s) from the server with no request outstanding`,
				);
			const n = req.parse(buf, off);
			if (n > 0) {
				off += n;
				if (req.done) {
					this.queue.shift();
					this.#onDone?.(req);
				}
				continue;
			}
			this.#need = -n;
			let rest = off === 0 ? buf : buf.subarray(off);
			if (transient && buf === chunk) rest = Buffer.from(rest);
			this.#parts.push(rest);
			this.#partLength = rest.length;
			return;
		}
	}

	/** Drops any partial reply (the connection is gone). */
	reset(): void {
		this.#parts = [];
		this.#partLength = 0;
		this.#need = 0;
	}
}

/** A socket handed to a connection, with the way to give it back. */
export interface Transport {
	readonly socket: net.Socket;
	/** Give the healthy socket back (to its pool), listeners already removed. */
	release(): void;
	/** The socket is unusable: close it (pool `discard`). */
	discard(): void;
}

/** Produces a connected transport; aborting `signal` cancels the attempt. */
export type TransportFactory = (signal: AbortSignal) => Promise<Transport>;

/** Callbacks from a connection to its owner. */
export interface ConnectionHooks {
	/** Reply latency of each completed request, ms. */
	onLatency?: ((ms: number) => void) | undefined;
	/** The connection failed (error says why); it is closed and must be dropped. */
	onFailure?:
		| ((conn: PipelinedConnection, error: MemcacheError) => void)
		| undefined;
	/** The connection reached its final state (failed, closed or released). */
	onClosed?: ((conn: PipelinedConnection) => void) | undefined;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/**
 * One pipelined connection: a socket plus a FIFO of request objects. Requests are encoded into
 * one output buffer and flushed once per tick; replies are matched strictly in order. Any
 * framing violation, timeout or socket error destroys the connection and settles every queued
 * request with a typed error — a request never receives another request's reply.
 */
export class PipelinedConnection {
	readonly address: string;
	readonly #timeoutMs: number;
	readonly #hooks: ConnectionHooks;
	readonly #writer = new Writer();
	readonly #reader: ReplyReader;
	readonly #abort = new AbortController();
	#state = CONNECTING;
	#transport: Transport | undefined;
	#socket: net.Socket | undefined;
	#opaque = 1;
	#flushScheduled = false;
	/** performance.now() of the first request queued since the last flush was scheduled. */
	#tickNow = 0;
	#timer: NodeJS.Timeout | undefined;
	#closeWaiters: (() => void)[] = [];

	constructor(
		address: string,
		factory: TransportFactory,
		timeoutMs: number,
		hooks: ConnectionHooks = {},
	) {
		this.address = address;
		this.#timeoutMs = timeoutMs;
		this.#hooks = hooks;
		this.#reader = new ReplyReader(this.#onDone);
		factory(this.#abort.signal).then(this.#onTransport, (err: unknown) =>
			this.#fail(
				err instanceof ConnectionError
					? err
					: new ConnectionError(
							`cannot connect to memcached at ${address}: ${(err as Error)?.message ?? String(err)}`,
							address,
							err,
						),
			),
		);
	}

	/** Requests queued and not yet answered. */
	get pending(): number {
		return this.#reader.queue.length;
	}

	/** Whether the connection still takes requests. */
	get usable(): boolean {
		return this.#state <= OPEN;
	}

	/** Whether the socket is connected. */
	get connected(): boolean {
		return this.#state === OPEN;
	}

	/** Queues a request; it is written on the next tick. */
	send(req: QueuedRequest): void {
		if (this.#state > OPEN) {
			req.fail(new ClientClosedError("memcache connection is closing"));
			return;
		}
		// Requests queued in the same tick share one clock reading (taken by the first of them):
		// their deadlines can only be early by the time the caller's synchronous code ran.
		let now = this.#tickNow;
		if (!this.#flushScheduled) {
			now = performance.now();
			this.#tickNow = now;
		}
		req.sentAt = now;
		req.deadline = now + this.#timeoutMs;
		this.#opaque = (this.#opaque + req.write(this.#writer, this.#opaque)) >>> 0;
		this.#reader.queue.push(req);
		// An idle connection does not keep the process alive (undici does the same).
		if (this.#reader.queue.length === 1) this.#socket?.ref();
		if (this.#state === OPEN && !this.#flushScheduled) {
			this.#flushScheduled = true;
			process.nextTick(this.#flush);
		}
		if (this.#timer === undefined && this.#timeoutMs > 0)
			this.#timer = setTimeout(this.#onTimer, this.#timeoutMs).unref();
	}

	/** Stops taking requests, lets queued ones finish, then releases the socket. */
	close(): Promise<void> {
		if (this.#state === CLOSED) return Promise.resolve();
		const done = new Promise<void>((resolve) =>
			this.#closeWaiters.push(resolve),
		);
		if (this.#state === CONNECTING && this.pending === 0) {
			this.#state = CLOSED;
			this.#abort.abort();
			this.#finalize();
		} else {
			this.#state = CLOSING;
			this.#maybeRelease();
		}
		return done;
	}

	/** Fails every queued request with `error` and discards the socket now. */
	destroy(error: MemcacheError): void {
		this.#fail(error);
	}

	#onTransport = (transport: Transport): void => {
		if (this.#state === CLOSED) {
			transport.release();
			return;
		}
		const socket = transport.socket;
		if (socket.destroyed) {
			transport.discard();
			this.#fail(
				new ConnectionError(
					`connection to ${this.address} closed before use`,
					this.address,
				),
			);
			return;
		}
		this.#transport = transport;
		this.#socket = socket;
		socket.setNoDelay(true);
		if (hasReadSink(socket)) socket[READ_SINK] = this.#onRead;
		else socket.on("data", this.#onData);
		socket.on("error", this.#onError);
		socket.on("close", this.#onClose);
		socket.on("end", this.#onClose);
		if (this.#state === CONNECTING) this.#state = OPEN;
		if (this.pending === 0) socket.unref();
		if (channels.connect.hasSubscribers)
			channels.connect.publish({ address: this.address });
		if (this.#writer.length > 0) this.#flush();
		this.#maybeRelease();
	};

	#flush = (): void => {
		this.#flushScheduled = false;
		const socket = this.#socket;
		if (socket === undefined || this.#state === CLOSED) return;
		const chunks = this.#writer.take();
		if (chunks.length === 1) socket.write(chunks[0] as Buffer);
		else if (chunks.length > 1) {
			socket.cork();
			for (const c of chunks) socket.write(c);
			socket.uncork();
		}
	};

	#onData = (chunk: Buffer): void => this.#receive(chunk, false);
	#onRead = (chunk: Buffer): void => this.#receive(chunk, true);

	#receive(chunk: Buffer, transient: boolean): void {
		try {
			this.#reader.feed(chunk, transient);
		} catch (err) {
			const error = new ProtocolError(
				err instanceof ProtocolViolation
					? err.message
					: `reply parser failed: ${String(err)}`,
				this.address,
			);
			if (channels.protocolError.hasSubscribers)
				channels.protocolError.publish({ address: this.address, error });
			this.#fail(error);
			return;
		}
		this.#maybeRelease();
	}

	#onDone = (req: QueuedRequest): void => {
		const hook = this.#hooks.onLatency;
		if (hook !== undefined) hook(performance.now() - req.sentAt);
		if (this.#reader.queue.length === 0) this.#socket?.unref();
	};

	#onError = (err: Error): void => {
		this.#fail(
			new ConnectionError(
				`connection to memcached at ${this.address} failed: ${err.message}`,
				this.address,
				err,
			),
		);
	};

	#onClose = (): void => {
		this.#fail(
			new ConnectionError(
				`memcached at ${this.address} closed the connection`,
				this.address,
			),
		);
	};

	#onTimer = (): void => {
		this.#timer = undefined;
		const head = this.#reader.queue.peek();
		if (head === undefined || this.#state === CLOSED) return;
		const now = performance.now();
		if (head.deadline <= now) {
			const error = new TimeoutError(this.address, this.#timeoutMs);
			if (channels.timeout.hasSubscribers)
				channels.timeout.publish({ address: this.address, error });
			this.#fail(error);
			return;
		}
		this.#timer = setTimeout(
			this.#onTimer,
			Math.ceil(head.deadline - now),
		).unref();
	};

	#detach(): void {
		const socket = this.#socket;
		if (socket === undefined) return;
		if (hasReadSink(socket)) socket[READ_SINK] = undefined;
		else socket.off("data", this.#onData);
		socket.off("error", this.#onError);
		socket.off("close", this.#onClose);
		socket.off("end", this.#onClose);
	}

	#maybeRelease(): void {
		if (
			this.#state !== CLOSING ||
			this.pending > 0 ||
			this.#socket === undefined
		)
			return;
		this.#state = CLOSED;
		this.#detach();
		const transport = this.#transport;
		this.#transport = undefined;
		this.#socket = undefined;
		if (this.#reader.buffered > 0) transport?.discard();
		else {
			transport?.socket.ref();
			transport?.release();
		}
		this.#finalize();
	}

	#fail(error: MemcacheError): void {
		if (this.#state === CLOSED) return;
		const wasUsable = this.#state <= OPEN;
		this.#state = CLOSED;
		this.#abort.abort();
		this.#detach();
		const transport = this.#transport;
		this.#transport = undefined;
		this.#socket = undefined;
		transport?.discard();
		this.#reader.reset();
		this.#writer.take();
		if (wasUsable || this.pending > 0) {
			if (
				error instanceof ConnectionError &&
				channels.connectionError.hasSubscribers
			)
				channels.connectionError.publish({ address: this.address, error });
			this.#hooks.onFailure?.(this, error);
		}
		for (const req of this.#reader.queue.drain()) req.fail(error);
		this.#finalize();
	}

	#finalize(): void {
		if (this.#timer !== undefined) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}
		this.#hooks.onClosed?.(this);
		for (const w of this.#closeWaiters.splice(0)) w();
	}
}
