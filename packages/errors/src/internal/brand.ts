/**
 * The `Symbol.for` key every copy of this package (ESM build, CJS build, two installed versions)
 * puts on `DropboxError.prototype`. `x instanceof DropboxError` reads it, so the check holds across
 * copies, as undici does (nodejs/undici:lib/core/errors.js).
 */
export const DROPBOX_ERROR_BRAND: unique symbol = Symbol.for(
	"godropbox-ts.errors.DropboxError",
);

/** `Symbol.for("nodejs.util.inspect.custom")`, the same symbol `node:util` exports. */
export const INSPECT_CUSTOM: unique symbol = Symbol.for(
	"nodejs.util.inspect.custom",
);

/** Structural view of a DropboxError, for internals that must not import the class. */
export interface BrandedError extends Error {
	readonly code: string | undefined;
	readonly info: Readonly<Record<string, unknown>> | undefined;
}

/** `true` for a DropboxError created by any copy of this package. */
export function isBranded(value: unknown): value is BrandedError {
	return (
		typeof value === "object" &&
		value !== null &&
		(value as { [DROPBOX_ERROR_BRAND]?: unknown })[DROPBOX_ERROR_BRAND] === true
	);
}

/** `true` for an `Error` or an error-like object (an object with a string `message`). */
export function isErrorLike(value: unknown): value is Error {
	return (
		value instanceof Error ||
		(typeof value === "object" &&
			value !== null &&
			typeof (value as { message?: unknown }).message === "string")
	);
}

/** `String(value)` that never throws (`Object.create(null)`, throwing `toString`). */
export function safeString(value: unknown): string {
	try {
		return String(value);
	} catch {
		return Object.prototype.toString.call(value);
	}
}
