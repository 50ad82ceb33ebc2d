import { DropboxError } from "@godropbox-ts/errors";

/** Every error code this package uses. Match on `err.code`, not on the class. */
export const Net2ErrorCode = {
	/** A programmer error: bad option, bad argument. Thrown at the call. */
	InvalidArgument: "ERR_NET2_INVALID_ARGUMENT",
	/** The pool was closed or destroyed. */
	PoolClosed: "ERR_NET2_POOL_CLOSED",
	/** The pool (or the address's sub-pool) is in lame-duck mode. */
	LameDuck: "ERR_NET2_LAME_DUCK",
	/** `get` named an address that is not registered. */
	NotRegistered: "ERR_NET2_NOT_REGISTERED",
	/** `register` on a simple pool that already has an address. */
	AlreadyRegistered: "ERR_NET2_ALREADY_REGISTERED",
	/** Fail-fast mode: `maxActiveConnections` are on loan for this address. */
	TooManyConnections: "ERR_NET2_TOO_MANY_CONNECTIONS",
	/** Fail-fast mode: `dialMaxConcurrency` dials are already in flight for this address. */
	DialConcurrency: "ERR_NET2_DIAL_CONCURRENCY",
	/** No connection within `acquireTimeout`. */
	AcquireTimeout: "ERR_NET2_ACQUIRE_TIMEOUT",
	/** The caller's AbortSignal fired. `cause` is `signal.reason`. */
	Aborted: "ERR_NET2_ABORTED",
	/** Dialling failed (refused, unreachable, TLS handshake…). `cause` is the socket error. */
	DialFailed: "ERR_NET2_DIAL_FAILED",
	/** Dialling took longer than `connectTimeout`. */
	DialTimeout: "ERR_NET2_DIAL_TIMEOUT",
	/** Round-robin pool: every address failed. `cause` is the last failure. */
	NoConnectionAvailable: "ERR_NET2_NO_CONNECTION_AVAILABLE",
	/** `read`/`write` on a connection that was already released or discarded. */
	ConnectionReleased: "ERR_NET2_CONNECTION_RELEASED",
	/** A `read` got no data within the read timeout. */
	ReadTimeout: "ERR_NET2_READ_TIMEOUT",
	/** A `write` was not flushed within the write timeout. */
	WriteTimeout: "ERR_NET2_WRITE_TIMEOUT",
	/** The socket failed or closed during a `read`/`write`. `cause` is the socket error. */
	ConnectionFailed: "ERR_NET2_CONNECTION_FAILED",
	/** `release`/`discard` on a pool that did not issue the connection. Thrown at the call. */
	ForeignConnection: "ERR_NET2_FOREIGN_CONNECTION",
} as const;

/** A value of {@link Net2ErrorCode}. */
export type Net2ErrorCode = (typeof Net2ErrorCode)[keyof typeof Net2ErrorCode];

/** Facts attached to an error: the address it concerns and the limit that was hit. */
export interface Net2ErrorInfo {
	readonly network?: string | undefined;
	readonly address?: string | undefined;
	readonly timeoutMs?: number | undefined;
	readonly limit?: number | undefined;
}

interface Extras extends Net2ErrorInfo {
	readonly cause?: unknown;
}

/**
 * Base class of every error this package produces. Carries a stable `code`
 * ({@link Net2ErrorCode}) and, where they apply, `network`, `address`, `timeoutMs`, `limit`.
 * `instanceof` works across two copies of the package (ESM and CJS builds) through each class's
 * `Symbol.for` brand (DropboxError's mechanism), but prefer matching on `code`.
 */
export class Net2Error extends DropboxError {
	static override readonly errorName: string = "Net2Error";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.Net2Error",
	);
	declare readonly code: Net2ErrorCode;
	readonly network: string | undefined;
	readonly address: string | undefined;
	readonly timeoutMs: number | undefined;
	readonly limit: number | undefined;

	constructor(message: string, code: Net2ErrorCode, extras: Extras = {}) {
		const info: Record<string, unknown> = {};
		if (extras.network !== undefined) info.network = extras.network;
		if (extras.address !== undefined) info.address = extras.address;
		if (extras.timeoutMs !== undefined) info.timeoutMs = extras.timeoutMs;
		if (extras.limit !== undefined) info.limit = extras.limit;
		super(
			message,
			extras.cause !== undefined
				? { code, info, cause: extras.cause }
				: { code, info },
		);
		this.network = extras.network;
		this.address = extras.address;
		this.timeoutMs = extras.timeoutMs;
		this.limit = extras.limit;
	}
}

function where(network?: string, address?: string): string {
	return network === undefined ? "" : ` (${network} ${address ?? ""})`;
}

/** A programmer error (bad option or argument). Thrown synchronously at the call. */
export class InvalidArgumentError extends Net2Error {
	static override readonly errorName: string = "InvalidArgumentError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.InvalidArgumentError",
	);
	constructor(message: string) {
		super(message, Net2ErrorCode.InvalidArgument);
	}
}

/** The pool was closed (`close()`) or destroyed (`destroy(err)`; `cause` is `err`). */
export class PoolClosedError extends Net2Error {
	static override readonly errorName: string = "PoolClosedError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.PoolClosedError",
	);
	constructor(message = "the connection pool is closed", extras: Extras = {}) {
		super(message, Net2ErrorCode.PoolClosed, extras);
	}
}

/** The pool or the address is in lame-duck mode (`enterLameDuckMode()` or `unregister`). */
export class LameDuckError extends Net2Error {
	static override readonly errorName: string = "LameDuckError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.LameDuckError",
	);
	constructor(network?: string, address?: string) {
		super(
			`lame duck connection pool cannot hand out connections${where(network, address)}`,
			Net2ErrorCode.LameDuck,
			{ network, address },
		);
	}
}

/** `get` for an address that was never registered (or was unregistered). */
export class NotRegisteredError extends Net2Error {
	static override readonly errorName: string = "NotRegisteredError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.NotRegisteredError",
	);
	constructor(network: string, address: string) {
		super(
			`${network} ${address} is not registered in the connection pool; call register() first`,
			Net2ErrorCode.NotRegistered,
			{ network, address },
		);
	}
}

/** A simple pool takes exactly one `register` call. Thrown at the call. */
export class AlreadyRegisteredError extends Net2Error {
	static override readonly errorName: string = "AlreadyRegisteredError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.AlreadyRegisteredError",
	);
	constructor(network: string, address: string) {
		super(
			`SimpleConnectionPool can only register one address (already has ${network} ${address}); use MultiConnectionPool`,
			Net2ErrorCode.AlreadyRegistered,
			{ network, address },
		);
	}
}

/** Fail-fast mode (`waitForConnection: false`): the per-address active limit is reached. */
export class TooManyConnectionsError extends Net2Error {
	static override readonly errorName: string = "TooManyConnectionsError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.TooManyConnectionsError",
	);
	constructor(network: string, address: string, limit: number) {
		super(
			`too many connections to ${network} ${address}: maxActiveConnections=${limit} are on loan (raise maxActiveConnections or set waitForConnection: true)`,
			Net2ErrorCode.TooManyConnections,
			{ network, address, limit },
		);
	}
}

/** Fail-fast mode: `dialMaxConcurrency` dials to this address are already in flight. */
export class DialConcurrencyError extends Net2Error {
	static override readonly errorName: string = "DialConcurrencyError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.DialConcurrencyError",
	);
	constructor(network: string, address: string, limit: number) {
		super(
			`cannot dial ${network} ${address}: dialMaxConcurrency=${limit} dials are in flight (raise dialMaxConcurrency or set waitForConnection: true)`,
			Net2ErrorCode.DialConcurrency,
			{ network, address, limit },
		);
	}
}

/** No connection could be handed out within `acquireTimeout` ms. */
export class AcquireTimeoutError extends Net2Error {
	static override readonly errorName: string = "AcquireTimeoutError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.AcquireTimeoutError",
	);
	constructor(network: string, address: string, timeoutMs: number) {
		super(
			`timed out after ${timeoutMs} ms waiting for a connection to ${network} ${address} (raise acquireTimeout or maxActiveConnections)`,
			Net2ErrorCode.AcquireTimeout,
			{ network, address, timeoutMs },
		);
	}
}

/** The caller's AbortSignal fired; `cause` is `signal.reason`. */
export class AbortedError extends Net2Error {
	static override readonly errorName: string = "AbortedError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.AbortedError",
	);
	constructor(reason: unknown, network?: string, address?: string) {
		super(
			`the operation was aborted${where(network, address)}`,
			Net2ErrorCode.Aborted,
			{ network, address, cause: reason },
		);
	}
}

/** Dialling failed; `cause` is the error of `dial` (e.g. `ECONNREFUSED`). */
export class DialError extends Net2Error {
	static override readonly errorName: string = "DialError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.DialError",
	);
	constructor(
		network: string,
		address: string,
		cause: unknown,
		code: Net2ErrorCode = Net2ErrorCode.DialFailed,
		message?: string,
		timeoutMs?: number,
	) {
		super(
			message ??
				`failed to dial ${network} ${address}: ${cause instanceof Error ? cause.message : String(cause)}`,
			code,
			{ network, address, cause, timeoutMs },
		);
	}
}

/** Dialling did not finish within `connectTimeout` ms. A {@link DialError} with its own code. */
export class DialTimeoutError extends DialError {
	static override readonly errorName: string = "DialTimeoutError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.DialTimeoutError",
	);
	constructor(network: string, address: string, timeoutMs: number) {
		super(
			network,
			address,
			undefined,
			Net2ErrorCode.DialTimeout,
			`timed out after ${timeoutMs} ms dialling ${network} ${address} (raise connectTimeout)`,
			timeoutMs,
		);
	}
}

/** Round-robin pool: no address could hand out a connection; `cause` is the last failure. */
export class NoConnectionAvailableError extends Net2Error {
	static override readonly errorName: string = "NoConnectionAvailableError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.NoConnectionAvailableError",
	);
	constructor(cause: unknown) {
		super(
			"no connection available from any registered address",
			Net2ErrorCode.NoConnectionAvailable,
			cause === undefined ? {} : { cause },
		);
	}
}

/** `read`/`write` after the connection was released or discarded. */
export class ConnectionReleasedError extends Net2Error {
	static override readonly errorName: string = "ConnectionReleasedError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.ConnectionReleasedError",
	);
	constructor(network: string, address: string) {
		super(
			`the connection to ${network} ${address} was already released or discarded; get a new one`,
			Net2ErrorCode.ConnectionReleased,
			{ network, address },
		);
	}
}

/** A `read` or `write` exceeded its per-operation timeout. Discard the connection. */
export class IoTimeoutError extends Net2Error {
	static override readonly errorName: string = "IoTimeoutError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.IoTimeoutError",
	);
	constructor(
		op: "read" | "write",
		network: string,
		address: string,
		timeoutMs: number,
	) {
		super(
			`${op} to ${network} ${address} timed out after ${timeoutMs} ms (raise ${op}Timeout); discard the connection`,
			op === "read" ? Net2ErrorCode.ReadTimeout : Net2ErrorCode.WriteTimeout,
			{ network, address, timeoutMs },
		);
	}
}

/** The socket errored or closed during a `read`/`write`; `cause` is the socket error. */
export class ConnectionFailedError extends Net2Error {
	static override readonly errorName: string = "ConnectionFailedError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.ConnectionFailedError",
	);
	constructor(
		op: "read" | "write",
		network: string,
		address: string,
		cause: unknown,
	) {
		super(
			`${op} error on ${network} ${address}: ${cause instanceof Error ? cause.message : "connection closed"}`,
			Net2ErrorCode.ConnectionFailed,
			{ network, address, cause },
		);
	}
}

/** `pool.release(conn)`/`pool.discard(conn)` with a connection another pool issued. */
export class ForeignConnectionError extends Net2Error {
	static override readonly errorName: string = "ForeignConnectionError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.net2.ForeignConnectionError",
	);
	constructor() {
		super(
			"the connection pool cannot take control of a connection owned by another pool",
			Net2ErrorCode.ForeignConnection,
		);
	}
}
