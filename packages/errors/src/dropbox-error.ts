import {
	DROPBOX_ERROR_BRAND,
	INSPECT_CUSTOM,
	isBranded,
} from "./internal/brand.js";
import { formatFullMessage, formatStack } from "./internal/format.js";
import {
	type InspectOptionsLike,
	inspectDropboxError,
} from "./internal/inspect.js";
import { serializeError } from "./internal/serialize.js";
import { parseStackFrames, type StackFrame } from "./internal/stack.js";

/** Options of the {@link DropboxError} constructor. */
export interface DropboxErrorOptions {
	/**
	 * The error being wrapped (godropbox's inner error). Stored as the standard ES2022 `cause`, so
	 * Node's inspector, pino, Sentry and every `cause` walker see the chain. `undefined` means "no
	 * inner error", as godropbox's `Wrap(nil, msg)` equals `New(msg)`.
	 * @defaultValue no cause
	 */
	readonly cause?: unknown;
	/**
	 * A stable, machine-readable code such as `"ERR_MEMCACHE_KEY_TOO_LONG"`. Callers match on it
	 * instead of the message. When omitted, the subclass's `static code` is used.
	 * @defaultValue `new.target.code` (`undefined` for a plain `DropboxError`)
	 */
	readonly code?: string | undefined;
	/**
	 * Structured context for logs (`{ key, address, timeoutMs }`); shown by `toJSON()` and
	 * `util.inspect`. Not copied: keep it small and JSON-friendly.
	 * @defaultValue `undefined`
	 */
	readonly info?: Readonly<Record<string, unknown>> | undefined;
}

/** A class whose instances are errors: what {@link findCause} and `instanceof` accept. */
export type ErrorClass<T = Error> = abstract new (
	// biome-ignore lint/suspicious/noExplicitAny: constructor parameters of an arbitrary class
	...args: any[]
) => T;

/**
 * godropbox's `DropboxError` on the ES2022 `Error.cause`: an error with its own message, an
 * optional wrapped error (`cause`), the stack of the place that created it, plus an optional
 * stable `code` and structured `info`.
 *
 * - `message` is this error's own message (godropbox's `GetMessage()` method);
 *   {@link DropboxError.fullMessage} is godropbox's `Error()` text (every message of the chain,
 *   then `ORIGINAL STACK TRACE:` and the stack of the innermost DropboxError).
 * - The stack starts at the code that called `new` (or {@link newError}/{@link wrap}): V8 skips
 *   the constructors of this class and of every subclass, and the package functions have V8
 *   skip their own frame too, so the library's frames never show (godropbox skips its own
 *   frames the same way). Creating an error never formats the stack: V8 does
 *   that lazily on the first read of `stack`.
 * - `x instanceof DropboxError` is true for a DropboxError (or subclass instance) created by any
 *   copy of this package, through a `Symbol.for` brand.
 *
 * **Subclassing.** Declare the name and code as statics; the constructor picks them up, so the
 * instance's `name` and `code` are right before anything reads `stack`:
 *
 * ```ts
 * export class KeyTooLongError extends DropboxError {
 *   // optional: `name` defaults to the class name; set it when a minifier may rename classes
 *   static override readonly errorName = "KeyTooLongError";
 *   // optional: the default `code` of every instance (the constructor option still wins)
 *   static override readonly code = "ERR_MEMCACHE_KEY_TOO_LONG";
 *   // optional: makes `instanceof KeyTooLongError` hold across two copies of *your* package
 *   static override readonly brand = Symbol.for("godropbox-ts.memcache.KeyTooLongError");
 *
 *   readonly key: string;
 *   constructor(key: string, options?: { cause?: unknown }) {
 *     super(`key is ${key.length} bytes, the limit is 250`, { ...options, info: { key } });
 *     this.key = key;
 *   }
 * }
 * ```
 *
 * `instanceof KeyTooLongError` checks the prototype chain (so `new DropboxError(…)` is *not* a
 * `KeyTooLongError`), and, when the class declares its own `static brand`, also accepts an
 * instance of the same class from another copy of the package. Prefer matching on `code`.
 *
 * @example
 * ```ts
 * try {
 *   await socket.connect();
 * } catch (err) {
 *   throw new DropboxError(`connect to ${address} failed`, { cause: err, code: "ERR_NET2_DIAL" });
 * }
 * ```
 */
export class DropboxError extends Error {
	/**
	 * The `name` of instances when set as this class's *own* static; otherwise `name` is the class
	 * name. Set it (`static override readonly errorName = "XError"`) when a minifier may rename
	 * classes.
	 */
	static readonly errorName: string | undefined = undefined;

	/** Default `code` of instances of this class; subclasses override it. */
	static readonly code: string | undefined = undefined;

	/**
	 * A `Symbol.for(...)` identity that makes `instanceof` hold across two copies of the package
	 * defining this class. Only read when it is the class's *own* static (not inherited).
	 */
	static readonly brand: symbol | undefined = DROPBOX_ERROR_BRAND;

	/**
	 * `true` when `value` is a DropboxError (from any copy of this package) and, for a subclass,
	 * an instance of that subclass (prototype chain, or the subclass's own `static brand`).
	 */
	static override [Symbol.hasInstance](value: unknown): boolean {
		if (typeof value !== "object" || value === null) return false;
		// biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof
		if (this === DropboxError) {
			return (
				(value as { [DROPBOX_ERROR_BRAND]?: unknown })[DROPBOX_ERROR_BRAND] ===
				true
			);
		}
		// biome-ignore lint/complexity/noThisInStatic: see above
		return isInstanceOfSubclass(value, this);
	}

	// `declare`: no class fields. With ES2022 class fields (`useDefineForClassFields`) every
	// instance would get `code` and `info` defined as own properties (defineProperty semantics)
	// even when undefined. The defaults live on the prototype (see below) and the constructor
	// adds an own property only for a value that was given.
	/** A stable, machine-readable code (see {@link DropboxErrorOptions.code}). */
	declare readonly code: string | undefined;
	/** Structured context (see {@link DropboxErrorOptions.info}). */
	declare readonly info: Readonly<Record<string, unknown>> | undefined;

	/**
	 * @param message - this error's own message (may be empty or contain newlines).
	 * @param options - `cause` (the wrapped error), `code`, `info`.
	 */
	constructor(message: string, options?: DropboxErrorOptions) {
		const ctor = new.target as typeof DropboxError;
		if (options === undefined) {
			super(message);
			if (ctor.code !== undefined) this.code = ctor.code;
		} else {
			// `Error` reads only `options.cause`; handing it our options object saves a copy. An
			// explicit `cause: undefined` means "no inner error": no own `cause` at all.
			super(message, options.cause === undefined ? undefined : options);
			const code = options.code ?? ctor.code;
			if (code !== undefined) this.code = code;
			if (options.info !== undefined) this.info = options.info;
		}
		// `name` lives on the prototype, as `Error.prototype.name` does: set once per class.
		if (ctor !== DropboxError && !Object.hasOwn(ctor.prototype, "name")) {
			setClassName(ctor);
		}
	}

	/** This error's own message, without the inner errors' (godropbox's `GetMessage()` method). */
	getMessage(): string {
		return this.message;
	}

	/**
	 * The stack frames where this error was created, parsed once from V8's `stack` and cached.
	 * The first frame is the caller of `new` / {@link newError} / {@link wrap}.
	 */
	stackFrames(): readonly StackFrame[] {
		return parseStackFrames(this);
	}

	/**
	 * The frames as text in godropbox's layout: per frame the function name, then a tab and
	 * `file:line:column`; every line ends with `"\n"`. The column stands where Go printed the
	 * program counter (`+0x…`). Not a stable format: do not parse it.
	 */
	getStack(): string {
		return formatStack(parseStackFrames(this));
	}

	/**
	 * godropbox's `Error()` text: the messages of the whole `cause` chain, outermost first, one
	 * per line, then `ORIGINAL STACK TRACE:` and {@link DropboxError.getStack} of the innermost
	 * DropboxError of the chain.
	 */
	fullMessage(): string {
		return formatFullMessage(this);
	}

	/**
	 * A plain, JSON-safe object for log pipelines: `name`, `message`, `code`, `info`, `stack` and
	 * the serialized `cause` chain (and `AggregateError.errors`), cycle-safe and depth-capped.
	 */
	toJSON(): SerializedError {
		return serializeError(this) as SerializedError;
	}

	/** Readable `console.log` / `util.inspect` output: stack, code, info and every cause. */
	[INSPECT_CUSTOM](
		_depth: number,
		options: InspectOptionsLike,
		inspect: (value: unknown, options?: object) => string,
	): string {
		return inspectDropboxError(this, options, inspect);
	}
}

/**
 * Defaults every instance reads through its prototype (no per-instance cost): the brand,
 * `name` (a literal, so a minifier renaming the class does not change it), and `code`/`info`
 * for instances constructed without them. Non-enumerable, like `Error.prototype.name`.
 */
Object.defineProperties(DropboxError.prototype, {
	[DROPBOX_ERROR_BRAND]: {
		value: true,
		enumerable: false,
		writable: false,
		configurable: false,
	},
	name: {
		value: "DropboxError",
		enumerable: false,
		writable: true,
		configurable: true,
	},
	code: {
		value: undefined,
		enumerable: false,
		writable: true,
		configurable: true,
	},
	info: {
		value: undefined,
		enumerable: false,
		writable: true,
		configurable: true,
	},
});

/**
 * Gives a subclass's prototype its `name`: the class's own `static errorName`, else the class
 * name. Runs on the first construction of each subclass; a subclass that defines `name` on its
 * prototype itself keeps it.
 */
function setClassName(ctor: typeof DropboxError): void {
	Object.defineProperty(ctor.prototype, "name", {
		value:
			Object.hasOwn(ctor, "errorName") && ctor.errorName !== undefined
				? ctor.errorName
				: ctor.name,
		enumerable: false,
		writable: true,
		configurable: true,
	});
}

/** The shape of {@link DropboxError.toJSON} and of serialized causes. */
export interface SerializedError {
	readonly name: string;
	readonly message: string;
	readonly code?: string | undefined;
	readonly info?: Readonly<Record<string, unknown>> | undefined;
	readonly stack?: string | undefined;
	/** The serialized cause: a {@link SerializedError}, or a JSON-safe value for non-errors. */
	readonly cause?: unknown;
	/** Serialized members of an `AggregateError`. */
	readonly errors?: readonly unknown[] | undefined;
}

/**
 * `true` when `value` is an instance of `cls`: prototype chain first; otherwise, when `cls` has
 * its own `static brand`, any class in `value`'s prototype chain with the same own brand (that is,
 * the same class from another copy of its package).
 */
function isInstanceOfSubclass(
	value: object,
	cls: typeof DropboxError,
): boolean {
	if (Function.prototype[Symbol.hasInstance].call(cls, value)) return true;
	if (!Object.hasOwn(cls, "brand") || cls.brand === undefined) return false;
	const brand = cls.brand;
	let proto: unknown = Object.getPrototypeOf(value);
	for (let i = 0; proto !== null && i < 64; i++) {
		const ctor = (proto as { constructor?: unknown }).constructor;
		if (
			typeof ctor === "function" &&
			Object.hasOwn(ctor, "brand") &&
			(ctor as { brand?: unknown }).brand === brand
		) {
			return true;
		}
		proto = Object.getPrototypeOf(proto);
	}
	return false;
}

/** `true` for a DropboxError (or subclass instance) created by any copy of this package. */
export function isDropboxError(value: unknown): value is DropboxError {
	return isBranded(value);
}
