import { DropboxError } from "./internal/dropbox-error.js";

/** Every error code this package uses, as exported constants. */
export const MemcacheErrorCode = {
	/** A server status other than NoError (and other than a read miss). */
	Status: "ERR_MEMCACHE_STATUS",
	/** The key is empty, longer than 250 bytes, or holds a space/control byte. */
	InvalidKey: "ERR_MEMCACHE_INVALID_KEY",
	/** The value is missing or longer than `maxValueLength`. */
	InvalidValue: "ERR_MEMCACHE_INVALID_VALUE",
	/** The server answered with an ERROR / CLIENT_ERROR / SERVER_ERROR line (ascii). */
	ServerError: "ERR_MEMCACHE_SERVER_ERROR",
	/** The protocol cannot express the request (ascii CAS on add, ascii counter seed…). */
	NotSupported: "ERR_MEMCACHE_NOT_SUPPORTED",
	/** The server sent bytes that break the protocol; the connection was destroyed. */
	Protocol: "ERR_MEMCACHE_PROTOCOL",
	/** Connecting failed or the connection broke; the connection was destroyed. */
	Connection: "ERR_MEMCACHE_CONNECTION",
	/** The request got no reply within `timeout`; the connection was destroyed. */
	Timeout: "ERR_MEMCACHE_TIMEOUT",
	/** The shard function mapped the key to no shard (-1). */
	UnmappedKey: "ERR_MEMCACHE_UNMAPPED_KEY",
	/** The shard function returned an id outside `[-1, numShards)`. */
	ShardOutOfRange: "ERR_MEMCACHE_SHARD_OUT_OF_RANGE",
	/** The client was closed or destroyed. */
	ClientClosed: "ERR_MEMCACHE_CLIENT_CLOSED",
	/** The caller's AbortSignal fired. */
	Aborted: "ERR_MEMCACHE_ABORTED",
	/** A programmer error: wrong argument type or option value. */
	InvalidArgument: "ERR_MEMCACHE_INVALID_ARGUMENT",
} as const;

/** A value of {@link MemcacheErrorCode}. */
export type MemcacheErrorCode =
	(typeof MemcacheErrorCode)[keyof typeof MemcacheErrorCode];

interface ErrorExtras {
	readonly cause?: unknown;
	readonly info?: Record<string, unknown> | undefined;
}

// Brands survive two copies of this package (the ESM and CJS builds can both be loaded):
// `instanceof` checks the class names recorded on the instance, as undici does with Symbol.for.
const BRANDS = Symbol.for("godropbox-ts.memcache.errorBrands");

/** Base class of every error this package produces. Match on `code`. */
export class MemcacheError extends DropboxError {
	declare readonly code: MemcacheErrorCode;

	static override [Symbol.hasInstance]<T>(
		this: abstract new (
			...args: never[]
		) => T,
		value: unknown,
	): value is T {
		if (typeof value !== "object" || value === null) return false;
		const brands = (value as { [BRANDS]?: unknown })[BRANDS];
		// `this` is the class on the right of `instanceof` (a subclass when inherited).
		// biome-ignore lint/complexity/noThisInStatic: must be the subclass, not MemcacheError
		if (Array.isArray(brands)) return brands.includes(this.name);
		// biome-ignore lint/complexity/noThisInStatic: must be the subclass, not MemcacheError
		return Function.prototype[Symbol.hasInstance].call(this, value);
	}

	constructor(
		message: string,
		code: MemcacheErrorCode,
		extras: ErrorExtras = {},
	) {
		super(message, {
			code,
			...(extras.cause !== undefined ? { cause: extras.cause } : {}),
			...(extras.info !== undefined ? { info: extras.info } : {}),
		});
		this.name = "MemcacheError";
		const brands: string[] = [];
		for (
			let c: unknown = new.target;
			typeof c === "function" && c !== DropboxError;
			c = Object.getPrototypeOf(c)
		)
			brands.push((c as { name: string }).name);
		Object.defineProperty(this, BRANDS, { value: brands });
	}
}

/** A server status turned into an error (godropbox: `NewStatusCodeError`). */
export class MemcacheStatusError extends MemcacheError {
	/** The memcached status code. */
	readonly status: number;
	constructor(status: number, message: string) {
		super(message, MemcacheErrorCode.Status, { info: { status } });
		this.name = "MemcacheStatusError";
		this.status = status;
	}
}

/** A key that fails validation (godropbox: `isValidKeyString`, plus the empty key). */
export class InvalidKeyError extends MemcacheError {
	readonly key: string;
	constructor(key: string) {
		super(
			`Invalid key: ${JSON.stringify(key.length > 300 ? `${key.slice(0, 300)}…` : key)} (keys must be 1..250 bytes without spaces or control bytes)`,
			MemcacheErrorCode.InvalidKey,
		);
		this.name = "InvalidKeyError";
		this.key = key;
	}
}

/** A value that is missing or longer than `maxValueLength`. */
export class InvalidValueError extends MemcacheError {
	readonly key: string;
	constructor(key: string, message: string) {
		super(message, MemcacheErrorCode.InvalidValue);
		this.name = "InvalidValueError";
		this.key = key;
	}
}

/** An ascii error reply (`ERROR`, `CLIENT_ERROR …`, `SERVER_ERROR …`); the connection stays usable. */
export class ServerErrorReply extends MemcacheError {
	/** The server's reply line. */
	readonly line: string;
	constructor(line: string, address: string) {
		super(
			`memcached at ${address} replied: ${line}`,
			MemcacheErrorCode.ServerError,
		);
		this.name = "ServerErrorReply";
		this.line = line;
	}
}

/** The protocol cannot express this request; nothing was sent. */
export class NotSupportedError extends MemcacheError {
	constructor(message: string) {
		super(message, MemcacheErrorCode.NotSupported);
		this.name = "NotSupportedError";
	}
}

/** The server broke the protocol; the connection was destroyed. */
export class ProtocolError extends MemcacheError {
	readonly address: string;
	constructor(message: string, address: string) {
		super(`${message} (from ${address})`, MemcacheErrorCode.Protocol);
		this.name = "ProtocolError";
		this.address = address;
	}
}

/** Connecting failed, or the connection broke while the request was outstanding. */
export class ConnectionError extends MemcacheError {
	readonly address: string;
	constructor(message: string, address: string, cause?: unknown) {
		super(message, MemcacheErrorCode.Connection, { cause });
		this.name = "ConnectionError";
		this.address = address;
	}
}

/** No reply within the configured `timeout`; the connection was destroyed. */
export class TimeoutError extends MemcacheError {
	readonly address: string;
	readonly timeoutMs: number;
	constructor(address: string, timeoutMs: number) {
		super(
			`memcache request to ${address} timed out after ${timeoutMs} ms (option: timeout)`,
			MemcacheErrorCode.Timeout,
		);
		this.name = "TimeoutError";
		this.address = address;
		this.timeoutMs = timeoutMs;
	}
}

/** The shard function mapped the key to no shard. */
export class UnmappedKeyError extends MemcacheError {
	readonly key: string;
	constructor(key: string) {
		super(
			`Key '${key}' does not map to any memcache shard`,
			MemcacheErrorCode.UnmappedKey,
		);
		this.name = "UnmappedKeyError";
		this.key = key;
	}
}

/** A user shard function returned an id outside `[-1, numShards)`. */
export class ShardOutOfRangeError extends MemcacheError {
	readonly key: string;
	readonly shardId: number;
	readonly numShards: number;
	constructor(key: string, shardId: number, numShards: number) {
		super(
			`shard function returned ${shardId} for key '${key}', outside [-1, ${numShards}) — fix the shardFunction`,
			MemcacheErrorCode.ShardOutOfRange,
		);
		this.name = "ShardOutOfRangeError";
		this.key = key;
		this.shardId = shardId;
		this.numShards = numShards;
	}
}

/** The client was closed (`close()`) or destroyed (`destroy()`). */
export class ClientClosedError extends MemcacheError {
	constructor(message = "memcache client is closed", cause?: unknown) {
		super(message, MemcacheErrorCode.ClientClosed, { cause });
		this.name = "ClientClosedError";
	}
}

/** The caller's AbortSignal fired; `cause` is `signal.reason`. */
export class AbortError extends MemcacheError {
	constructor(cause: unknown) {
		super("memcache request aborted", MemcacheErrorCode.Aborted, { cause });
		this.name = "AbortError";
	}
}

/** A programmer error (wrong argument type or option value); thrown or rejected at the call. */
export class InvalidArgumentError extends MemcacheError {
	constructor(message: string) {
		super(message, MemcacheErrorCode.InvalidArgument);
		this.name = "InvalidArgumentError";
	}
}
