import { ErrorsErrorCode } from "./codes.js";
import {
	DropboxError,
	type ErrorClass,
	isDropboxError,
} from "./dropbox-error.js";
import { isErrorLike } from "./internal/brand.js";
import { hasCause, iterateCauses, walkCauseChain } from "./internal/chain.js";
import { type MAX_CAUSE_DEPTH, ROOT_ERROR_MAX_STEPS } from "./limits.js";

/**
 * Peels `cause` layers until none is left and returns the innermost value (godropbox
 * `RootError`). One step follows the standard `cause` property of any object: the TS analogue of
 * Go's `Unwrap()` and of the exported `Err` field of `*os.PathError` and friends.
 *
 * - `rootError(undefined)` → `undefined`, `rootError(null)` → `null`; an error without a cause
 *   is its own root.
 * - At most {@link ROOT_ERROR_MAX_STEPS} (20) steps, as in Go: a chain of 19 wrappers still yields
 *   its root; with 20 or more, the result is a **new** DropboxError with code
 *   `ERR_ERRORS_TOO_MANY_ITERATIONS`, message `too many iterations: <constructor name>` and as
 *   `cause` the value reached after 20 steps.
 * - A cycle (a `cause` pointing back into the chain) ends the walk: the result is the last error
 *   before the repetition.
 */
export function rootError(err: unknown): unknown {
	let current = err;
	const seen: unknown[] = [];
	for (let i = 0; i < ROOT_ERROR_MAX_STEPS; i++) {
		if (!hasCause(current)) return current;
		seen.push(current);
		const next = current.cause;
		if (seen.includes(next)) return current;
		current = next;
	}
	const error = new DropboxError(`too many iterations: ${typeName(current)}`, {
		cause: current,
		code: ErrorsErrorCode.TOO_MANY_ITERATIONS,
	});
	Error.captureStackTrace?.(error, rootError);
	return error;
}

function typeName(value: unknown): string {
	if (value === null) return "null";
	if (typeof value !== "object") return typeof value;
	const ctor = (value as { constructor?: { name?: unknown } }).constructor;
	return typeof ctor?.name === "string" && ctor.name !== ""
		? ctor.name
		: "Object";
}

/**
 * The innermost DropboxError reached by following `cause` while it is a DropboxError (godropbox
 * `RootDropboxError`): for `wrap(wrap(new Error("eof"), "a"), "b")` the `"a"` error.
 * Its stack is the most relevant one to report.
 *
 * @returns never `undefined` for a DropboxError input; `undefined` when `err` is not one.
 */
export function rootDropboxError(err: DropboxError): DropboxError;
export function rootDropboxError(err: unknown): DropboxError | undefined;
export function rootDropboxError(err: unknown): DropboxError | undefined {
	if (!isDropboxError(err)) return undefined;
	let last: DropboxError = err;
	walkCauseChain(err, (value) => {
		if (!isDropboxError(value)) return true;
		last = value;
		return undefined;
	});
	return last;
}

/**
 * `true` when `err` is, or wraps, `target` (godropbox `IsError`), decided without ever comparing
 * stack text:
 *
 * 1. identity: `err === target` or any error of `err`'s `cause` chain is `target`
 *    (`undefined`/`null` count as one "no error" value: `isError(undefined, null)` is true);
 * 2. otherwise only `rootError(err)` is compared with `target`: when `target` has a `code`, the
 *    root must have the same `code` and `name`; without a code, the same constructor and message
 *    (Go's `IsError(fmt.Errorf("EOF"), io.EOF)` is true by text).
 *
 * Go compared `RootError(err).Error()` with `target.Error()`; a DropboxError's `Error()` holds
 * its stack, so two DropboxErrors only matched when created on the same line. Here they match
 * by `code`, or by class and message.
 */
export function isError(err: unknown, target: unknown): boolean {
	const errNil = err === undefined || err === null;
	const targetNil = target === undefined || target === null;
	if (errNil || targetNil) return errNil && targetNil;
	if (err === target) return true;
	let found = false;
	walkCauseChain(err, (value) => {
		found = value === target;
		return found;
	});
	if (found) return true;
	const root = rootError(err);
	if (!isErrorLike(root) || !isErrorLike(target)) return false;
	const targetCode = (target as { code?: unknown }).code;
	if (targetCode !== undefined) {
		return (
			(root as { code?: unknown }).code === targetCode &&
			root.name === target.name
		);
	}
	return (
		(root as { code?: unknown }).code === undefined &&
		root.constructor === target.constructor &&
		root.message === target.message
	);
}

/**
 * godropbox's classifier: called as `(current, top)` for each error from the top inwards;
 * a non-`undefined`, non-`null` result ends the search and is returned.
 */
export type ErrorClassifier = (current: unknown, top: unknown) => unknown;

/**
 * Searches `err` and its `cause` chain, outermost first (godropbox `FindWrappedError`).
 *
 * - With a class: returns the first error that is an `instanceof` it, typed.
 * - With a classifier `(current, top) => unknown`: returns the first non-`undefined`/`null`
 *   result, which may be `current`, `top` or anything the classifier builds.
 *
 * Returns `undefined` when nothing matched (Go returned `(top, false)`); with `err` undefined or
 * null, the classifier is never called. Unlike Go, the walk follows `cause` through non-Dropbox
 * errors too (Go stopped at the first one, after classifying it). Linear: `AggregateError`
 * members are not searched; use {@link findCause} for that.
 *
 * @example
 * ```ts
 * const timeout = findWrappedError(err, TimeoutError); // TimeoutError | undefined
 * const retryable = findWrappedError(err, (cur) => (isRetryable(cur) ? cur : undefined));
 * ```
 */
export function findWrappedError(
	err: unknown,
	classifier: ErrorClassifier,
): unknown;
export function findWrappedError<T>(
	err: unknown,
	cls: ErrorClass<T>,
): T | undefined;
export function findWrappedError(
	err: unknown,
	match: ErrorClass | ErrorClassifier,
): unknown {
	if (err === undefined || err === null) return undefined;
	const classifier: ErrorClassifier = isErrorClass(match)
		? (current) => (current instanceof match ? current : undefined)
		: (match as ErrorClassifier);
	let result: unknown;
	walkCauseChain(err, (current) => {
		if (current === undefined || current === null) return true;
		const classified = classifier(current, err);
		if (classified === undefined || classified === null) return undefined;
		result = classified;
		return true;
	});
	return result;
}

/** A class (an `Error` subclass or `Error`) as opposed to a classifier function. */
function isErrorClass(value: unknown): value is ErrorClass {
	if (typeof value !== "function") return false;
	const proto = (value as { prototype?: unknown }).prototype;
	return value === Error || proto instanceof Error;
}

/**
 * Every value of the chain, outermost first, depth first: an error, the members of its
 * `errors` array (`AggregateError`, each with its own chain), then its `cause`. Each object is
 * yielded once, so a cyclic chain ends; at most {@link MAX_CAUSE_DEPTH} values in total.
 * `err` itself comes first; `undefined`/`null` yield nothing.
 *
 * @example
 * ```ts
 * for (const e of causes(err)) log.warn(getMessage(e));
 * ```
 */
export function causes(err: unknown): IterableIterator<unknown> {
	return iterateCauses(err);
}

/**
 * The first error of {@link causes}`(err)` (so including `err` itself and `AggregateError`
 * members) that is an instance of `cls`, typed; `undefined` if none.
 * `instanceof` honours the `Symbol.for` brand, so a DropboxError from another copy of this
 * package is found too.
 *
 * @example
 * ```ts
 * const refused = findCause(err, ConnectionRefusedError);
 * if (refused) retryLater(refused.address);
 * ```
 */
export function findCause<T>(err: unknown, cls: ErrorClass<T>): T | undefined {
	for (const value of iterateCauses(err)) {
		if (value instanceof cls) return value as T;
	}
	return undefined;
}
