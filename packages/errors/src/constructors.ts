import { format } from "node:util";
import { DropboxError } from "./dropbox-error.js";

const CAN_CAPTURE = typeof Error.captureStackTrace === "function";

/**
 * Creates a DropboxError whose stack starts at the caller of `api` (godropbox skips its own
 * frames with `runtime.Callers(3, …)`). The `super()` capture is switched off so the stack is
 * captured once, by `Error.captureStackTrace(error, api)`, not twice.
 */
function create(
	api: (...args: never[]) => unknown,
	message: string,
	cause: unknown,
): DropboxError {
	const options = cause === undefined || cause === null ? undefined : { cause };
	if (!CAN_CAPTURE) return new DropboxError(message, options);
	const limit = Error.stackTraceLimit;
	Error.stackTraceLimit = 0;
	let error: DropboxError;
	try {
		error = new DropboxError(message, options);
	} finally {
		Error.stackTraceLimit = limit;
	}
	Error.captureStackTrace(error, api);
	return error;
}

/**
 * A new {@link DropboxError} with message `message` and no inner error (godropbox `New`).
 *
 * @param message - the error's own message (may be empty).
 * @returns the error; its stack starts at the caller.
 * @example
 * ```ts
 * throw newError("shard map is empty");
 * ```
 */
export function newError(message: string): DropboxError {
	return create(newError, message, undefined);
}

/**
 * Like {@link newError}, message built by `util.format` (godropbox `Newf`). Node's verbs are
 * `%s %d %i %f %j %o %O %c %%`; other Go verbs (`%v`, `%q`, `%x`) are printed as they are, a
 * missing argument leaves its verb in place and extra arguments are appended after a space
 * (Go prints `%!d(MISSING)` / `%!(EXTRA …)` instead).
 *
 * @example
 * ```ts
 * newErrorf("bad shard %d of %d", 7, 4).message; // "bad shard 7 of 4"
 * ```
 */
export function newErrorf(fmt: string, ...args: unknown[]): DropboxError {
	return create(newErrorf, format(fmt, ...args), undefined);
}

/**
 * A new {@link DropboxError} with message `message` wrapping `err` as its `cause` (godropbox
 * `Wrap`). `wrap(undefined, msg)` and `wrap(null, msg)` equal `newError(msg)`, as `Wrap(nil, msg)`
 * equals `New(msg)`. `err` may be anything that was thrown, not only an `Error`.
 *
 * @param err - the error being wrapped.
 * @param message - context added by this layer.
 * @returns the wrapper; its stack starts at the caller of `wrap`.
 * @example
 * ```ts
 * try {
 *   await readConfig(path);
 * } catch (err) {
 *   throw wrap(err, `loading ${path}`);
 * }
 * ```
 */
export function wrap(err: unknown, message: string): DropboxError {
	return create(wrap, message, err);
}

/** Like {@link wrap}, message built by `util.format` (see {@link newErrorf}); godropbox `Wrapf`. */
export function wrapf(
	err: unknown,
	fmt: string,
	...args: unknown[]
): DropboxError {
	return create(wrapf, format(fmt, ...args), err);
}
