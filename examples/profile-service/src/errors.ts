import { DropboxError } from "@godropbox-ts/errors";

/**
 * The service's own errors. Each has a stable `code`; {@link httpStatusOf} maps any error,
 * ours or a library's, to the HTTP status the API answers with.
 */
export class ServiceError extends DropboxError {
	static override readonly errorName: string = "ServiceError";
	declare readonly code: string;
	constructor(
		message: string,
		code: string,
		options: { cause?: unknown } = {},
	) {
		super(
			message,
			options.cause === undefined ? { code } : { code, cause: options.cause },
		);
	}
}

/** Client input was rejected (HTTP 400); the message says what to change. */
export class InvalidInputError extends ServiceError {
	static override readonly errorName: string = "InvalidInputError";
	constructor(message: string) {
		super(message, "ERR_PROFILE_SERVICE_INVALID_INPUT");
	}
}

/** No profile with that id (HTTP 404). */
export class ProfileNotFoundError extends ServiceError {
	static override readonly errorName: string = "ProfileNotFoundError";
	readonly id: number;
	constructor(id: number) {
		super(`profile ${id} does not exist`, "ERR_PROFILE_SERVICE_NOT_FOUND");
		this.id = id;
	}
}

/** No route for that path, or the method is not allowed on it (HTTP 404 / 405). */
export class RouteError extends ServiceError {
	static override readonly errorName: string = "RouteError";
	readonly status: 404 | 405;
	readonly allow: string | undefined;
	constructor(message: string, status: 404 | 405, allow?: string) {
		super(
			message,
			status === 404
				? "ERR_PROFILE_SERVICE_NO_ROUTE"
				: "ERR_PROFILE_SERVICE_METHOD_NOT_ALLOWED",
		);
		this.status = status;
		this.allow = allow;
	}
}

/** A request body over the limit (HTTP 413). */
export class PayloadTooLargeError extends ServiceError {
	static override readonly errorName: string = "PayloadTooLargeError";
	constructor(limit: number) {
		super(
			`request body is larger than ${limit} bytes`,
			"ERR_PROFILE_SERVICE_PAYLOAD_TOO_LARGE",
		);
	}
}

/** A bad flag or environment value; `main` prints it with the usage and exits with 2. */
export class UsageError extends ServiceError {
	static override readonly errorName: string = "UsageError";
	constructor(message: string) {
		super(message, "ERR_PROFILE_SERVICE_USAGE");
	}
}

/** A `DATABASE_URL` the service cannot use. */
export class DatabaseUrlError extends ServiceError {
	static override readonly errorName: string = "DatabaseUrlError";
	constructor(message: string) {
		super(message, "ERR_PROFILE_SERVICE_DATABASE_URL");
	}
}

/** An existing `profiles` table without the columns the service needs (never altered). */
export class SchemaMismatchError extends ServiceError {
	static override readonly errorName: string = "SchemaMismatchError";
	constructor(message: string) {
		super(message, "ERR_PROFILE_SERVICE_SCHEMA_MISMATCH");
	}
}

/** The code of an error, if it has a string one. */
export function errorCode(err: unknown): string | undefined {
	const code = (err as { code?: unknown } | null)?.code;
	return typeof code === "string" ? code : undefined;
}

/**
 * The HTTP status for an error: 400 invalid input, 404 not found / no route, 405 method,
 * 413 body too large, 503 for failures of the cache or the database (a dependency is down or
 * slow: the client may retry), 500 for anything else.
 */
export function httpStatusOf(err: unknown): number {
	if (err instanceof RouteError) return err.status;
	switch (errorCode(err)) {
		case "ERR_PROFILE_SERVICE_INVALID_INPUT":
			return 400;
		case "ERR_PROFILE_SERVICE_NOT_FOUND":
			return 404;
		case "ERR_PROFILE_SERVICE_PAYLOAD_TOO_LARGE":
			return 413;
	}
	const code = errorCode(err) ?? "";
	if (
		/^ERR_(MEMCACHE|NET2|CACHING|SQLBUILDER)_/.test(code) ||
		/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ER_|SQLITE_BUSY)/.test(code) ||
		/^[0-9A-Z]{5}$/.test(code) // PostgreSQL SQLSTATE
	)
		return 503;
	return 500;
}
