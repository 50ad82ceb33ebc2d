import { format } from "node:util";
import { DropboxError } from "./dropbox-error.js";
import { captureMode } from "./internal/capture.js";

const CAN_CAPTURE = typeof Error.captureStackTrace === "function";

/** The options of an error wrapping `cause` (`undefined` and `null` wrap nothing). */
function causeOptions(cause: unknown): { cause: unknown } | undefined {
	return cause === undefined || cause === null ? undefined : { cause };
}

/**
 * A DropboxError created without a stack trace, for a public function to capture right after
 * with `Error.captureStackTrace(error, itself)` (the way for V8 < 12, see internal/capture.ts).
 * The capture is made by the public function itself, not by a shared helper, so no helper frame
 * has to be walked over.
 *
 * `Error.stackTraceLimit` is a non-number (`undefined`) during `super()`, not 0: V8 then does not
 * walk the stack at all (no limit, no capture), whereas with 0 it still starts the walk and
 * summarizes the top optimized frame (the inlined constructor and `wrap`, with their caller)
 * before it stops: 1.4–2.4 k fewer instructions per `wrap` (bench/count-instructions.sh). The
 * `finally` restores the caller's value even if creating the error throws.
 */
function uncaptured(
	message: string,
	options: { cause: unknown } | undefined,
): DropboxError {
	const limit = Error.stackTraceLimit;
	(Error as { stackTraceLimit: unknown }).stackTraceLimit = undefined;
	try {
		return new DropboxError(message, options);
	} finally {
		Error.stackTraceLimit = limit;
	}
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
	if (!CAN_CAPTURE) return new DropboxError(message);
	if (captureMode.constructAs) {
		return Reflect.construct(Error, [message], newError) as DropboxError;
	}
	const error = uncaptured(message, undefined);
	Error.captureStackTrace(error, newError);
	return error;
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
	const text = format(fmt, ...args);
	if (!CAN_CAPTURE) return new DropboxError(text);
	if (captureMode.constructAs) {
		return Reflect.construct(Error, [text], newErrorf) as DropboxError;
	}
	const error = uncaptured(text, undefined);
	Error.captureStackTrace(error, newErrorf);
	return error;
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
	const options = causeOptions(err);
	if (!CAN_CAPTURE) return new DropboxError(message, options);
	if (captureMode.constructAs) {
		return Reflect.construct(Error, [message, options], wrap) as DropboxError;
	}
	const error = uncaptured(message, options);
	Error.captureStackTrace(error, wrap);
	return error;
}

/** Like {@link wrap}, message built by `util.format` (see {@link newErrorf}); godropbox `Wrapf`. */
export function wrapf(
	err: unknown,
	fmt: string,
	...args: unknown[]
): DropboxError {
	const text = format(fmt, ...args);
	const options = causeOptions(err);
	if (!CAN_CAPTURE) return new DropboxError(text, options);
	if (captureMode.constructAs) {
		return Reflect.construct(Error, [text, options], wrapf) as DropboxError;
	}
	const error = uncaptured(text, options);
	Error.captureStackTrace(error, wrapf);
	return error;
}

// `new.target` of the errors these functions construct (internal/capture.ts): the instance's
// prototype is `new.target.prototype`, so it must be DropboxError's.
for (const fn of [newError, newErrorf, wrap, wrapf]) {
	fn.prototype = DropboxError.prototype;
}
