import { DropboxError } from "@godropbox-ts/errors";

/** Every error code this package produces. Match on `code`, not on the message. */
export const CachingErrorCode = Object.freeze({
	/** A key (or an item's key) cannot be turned into a string key. */
	InvalidKey: "ERR_CACHING_INVALID_KEY",
	/** An option or argument is invalid (programmer error, thrown at the call). */
	InvalidOption: "ERR_CACHING_INVALID_OPTION",
	/** A {@link GenericStorage} has no function for the operation. */
	NotImplemented: "ERR_CACHING_NOT_IMPLEMENTED",
	/** A storage returned a result of the wrong shape (e.g. `getMulti` with a missing slot). */
	BadResult: "ERR_CACHING_BAD_RESULT",
	/** A {@link RateLimitedStorage} queue is full. */
	QueueFull: "ERR_CACHING_QUEUE_FULL",
	/** A {@link RateLimitedStorage} slot was not acquired within `acquireTimeout`. */
	AcquireTimeout: "ERR_CACHING_ACQUIRE_TIMEOUT",
	/** The operation's `AbortSignal` fired. */
	Aborted: "ERR_CACHING_ABORTED",
	/** The cache layer of a {@link CacheOnStorage} failed and the policy surfaces it. */
	CacheFailed: "ERR_CACHING_CACHE_FAILED",
	/** A write reached the storage but the cache entry could not be invalidated. */
	InvalidationFailed: "ERR_CACHING_INVALIDATION_FAILED",
	/** A stored value could not be encoded or decoded by the storage's codec. */
	Codec: "ERR_CACHING_CODEC",
	/** The backend (memcached, Redis, SQL) reported a failure. */
	Backend: "ERR_CACHING_BACKEND",
	/** The storage was closed. */
	Closed: "ERR_CACHING_CLOSED",
} as const);

/** Union of every code in {@link CachingErrorCode}. */
export type CachingErrorCodeValue =
	(typeof CachingErrorCode)[keyof typeof CachingErrorCode];

/** Base class of every error this package creates; `code` tells which one. */
export class CachingError extends DropboxError {
	static override readonly errorName: string = "CachingError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.CachingError",
	);
	declare readonly code: CachingErrorCodeValue;
	constructor(
		message: string,
		code: CachingErrorCodeValue,
		options: { cause?: unknown } = {},
	) {
		super(
			message,
			options.cause === undefined ? { code } : { code, cause: options.cause },
		);
	}
}

/** A key cannot be turned into a string: never `"[object Object]"`. Code `ERR_CACHING_INVALID_KEY`. */
export class InvalidKeyError extends CachingError {
	static override readonly errorName: string = "InvalidKeyError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.InvalidKeyError",
	);
	/** The offending key (or item). */
	readonly key: unknown;
	constructor(message: string, key: unknown) {
		super(message, CachingErrorCode.InvalidKey);
		this.key = key;
	}
}

/** A bad option or argument. Code `ERR_CACHING_INVALID_OPTION`. */
export class InvalidOptionError extends CachingError {
	static override readonly errorName: string = "InvalidOptionError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.InvalidOptionError",
	);
	/** The option's name. */
	readonly option: string;
	constructor(option: string, message: string) {
		super(message, CachingErrorCode.InvalidOption);
		this.option = option;
	}
}

/** A {@link GenericStorage} lacks the function for an operation. Code `ERR_CACHING_NOT_IMPLEMENTED`. */
export class NotImplementedError extends CachingError {
	static override readonly errorName: string = "NotImplementedError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.NotImplementedError",
	);
	/** The storage's name. */
	readonly storage: string;
	/** The operation, e.g. `"get"`, `"flush"`. */
	readonly operation: string;
	constructor(storage: string, operation: string, message: string) {
		super(message, CachingErrorCode.NotImplemented);
		this.storage = storage;
		this.operation = operation;
	}
}

/** A storage returned a malformed result. Code `ERR_CACHING_BAD_RESULT`. */
export class BadResultError extends CachingError {
	static override readonly errorName: string = "BadResultError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.BadResultError",
	);
	constructor(message: string) {
		super(message, CachingErrorCode.BadResult);
	}
}

/** The rate limiter's wait queue is full. Code `ERR_CACHING_QUEUE_FULL`. */
export class QueueFullError extends CachingError {
	static override readonly errorName: string = "QueueFullError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.QueueFullError",
	);
	readonly maxQueue: number;
	constructor(maxQueue: number) {
		super(
			`rate-limited storage queue is full (${maxQueue} waiting); raise maxQueue or maxConcurrency`,
			CachingErrorCode.QueueFull,
		);
		this.maxQueue = maxQueue;
	}
}

/** No slot became free within `acquireTimeout`. Code `ERR_CACHING_ACQUIRE_TIMEOUT`. */
export class AcquireTimeoutError extends CachingError {
	static override readonly errorName: string = "AcquireTimeoutError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.AcquireTimeoutError",
	);
	readonly timeoutMs: number;
	constructor(timeoutMs: number) {
		super(
			`no rate-limited storage slot became free within ${timeoutMs} ms (acquireTimeout)`,
			CachingErrorCode.AcquireTimeout,
		);
		this.timeoutMs = timeoutMs;
	}
}

/** The call's `AbortSignal` fired; `cause` is `signal.reason`. Code `ERR_CACHING_ABORTED`. */
export class AbortedError extends CachingError {
	static override readonly errorName: string = "AbortedError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.AbortedError",
	);
	constructor(reason: unknown) {
		super("the operation was aborted", CachingErrorCode.Aborted, {
			cause: reason,
		});
	}
}

/** The cache layer failed and the policy surfaces it (strict mode). Code `ERR_CACHING_CACHE_FAILED`. */
export class CacheFailedError extends CachingError {
	static override readonly errorName: string = "CacheFailedError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.CacheFailedError",
	);
	/** The cache operation that failed, e.g. `"get"`, `"setMulti"`. */
	readonly operation: string;
	constructor(operation: string, cause: unknown) {
		super(`cache ${operation} failed`, CachingErrorCode.CacheFailed, {
			cause,
		});
		this.operation = operation;
	}
}

/**
 * A write succeeded on the storage, but the cache entry could neither be replaced nor deleted:
 * the cache may serve the old value until it expires. Code `ERR_CACHING_INVALIDATION_FAILED`.
 */
export class InvalidationFailedError extends CachingError {
	static override readonly errorName: string = "InvalidationFailedError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.InvalidationFailedError",
	);
	/** The keys whose cache entries may be stale. */
	readonly keys: readonly unknown[];
	constructor(keys: readonly unknown[], cause: unknown) {
		super(
			`storage write succeeded but ${keys.length} cache entr${keys.length === 1 ? "y" : "ies"} could not be invalidated; they may be stale until they expire`,
			CachingErrorCode.InvalidationFailed,
			{ cause },
		);
		this.keys = keys;
	}
}

/** A value could not be encoded or decoded. Code `ERR_CACHING_CODEC`. */
export class CodecError extends CachingError {
	static override readonly errorName: string = "CodecError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.CodecError",
	);
	constructor(message: string, cause?: unknown) {
		super(
			message,
			CachingErrorCode.Codec,
			cause === undefined ? {} : { cause },
		);
	}
}

/** The backend reported a failure (a memcache status, a Redis or SQL error). Code `ERR_CACHING_BACKEND`. */
export class BackendError extends CachingError {
	static override readonly errorName: string = "BackendError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.BackendError",
	);
	/** The backend, e.g. `"memcache"`, `"redis"`, `"sql"`. */
	readonly backend: string;
	constructor(backend: string, message: string, cause?: unknown) {
		super(
			message,
			CachingErrorCode.Backend,
			cause === undefined ? {} : { cause },
		);
		this.backend = backend;
	}
}

/** The storage was closed. Code `ERR_CACHING_CLOSED`. */
export class ClosedError extends CachingError {
	static override readonly errorName: string = "ClosedError";
	static override readonly brand: symbol = Symbol.for(
		"godropbox-ts.caching.ClosedError",
	);
	constructor(name: string) {
		super(`storage '${name}' is closed`, CachingErrorCode.Closed);
	}
}
