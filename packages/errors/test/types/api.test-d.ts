import { describe, expectTypeOf, it } from "vitest";
import {
	causes,
	DropboxError,
	type DropboxErrorOptions,
	type ErrorsErrorCode,
	findCause,
	findWrappedError,
	fullMessage,
	getMessage,
	isError,
	newError,
	rootDropboxError,
	rootError,
	type SerializedError,
	type StackFrame,
	wrap,
	wrapf,
} from "../../src/index.js";

class TimeoutError extends DropboxError {
	static override readonly code = "ERR_TEST_TIMEOUT";
	readonly timeoutMs: number;
	constructor(timeoutMs: number, options?: { cause?: unknown }) {
		super(`timed out after ${timeoutMs} ms`, options);
		this.timeoutMs = timeoutMs;
	}
}

describe("public types", () => {
	it("constructors return DropboxError", () => {
		expectTypeOf(newError("x")).toEqualTypeOf<DropboxError>();
		expectTypeOf(wrap(new Error("x"), "y")).toEqualTypeOf<DropboxError>();
		expectTypeOf(wrapf("thrown", "%s", 1)).toEqualTypeOf<DropboxError>();
		expectTypeOf(new DropboxError("x").code).toEqualTypeOf<
			string | undefined
		>();
		expectTypeOf(new DropboxError("x").info).toEqualTypeOf<
			Readonly<Record<string, unknown>> | undefined
		>();
		expectTypeOf(new DropboxError("x").stackFrames()).toEqualTypeOf<
			readonly StackFrame[]
		>();
		expectTypeOf(
			new DropboxError("x").toJSON(),
		).toEqualTypeOf<SerializedError>();
	});
	it("options are exactOptionalPropertyTypes-friendly", () => {
		const options: DropboxErrorOptions = {
			cause: undefined,
			code: undefined,
			info: undefined,
		};
		expectTypeOf(new DropboxError("x", options)).toEqualTypeOf<DropboxError>();
		// @ts-expect-error code must be a string
		new DropboxError("x", { code: 1 });
	});
	it("lookups are typed by class", () => {
		expectTypeOf(findCause(new Error("x"), TimeoutError)).toEqualTypeOf<
			TimeoutError | undefined
		>();
		expectTypeOf(findWrappedError(new Error("x"), TimeoutError)).toEqualTypeOf<
			TimeoutError | undefined
		>();
		expectTypeOf(
			findWrappedError(new Error("x"), (cur) => cur),
		).toEqualTypeOf<unknown>();
		expectTypeOf(rootDropboxError(newError("x"))).toEqualTypeOf<DropboxError>();
		expectTypeOf(rootDropboxError(new Error("x") as unknown)).toEqualTypeOf<
			DropboxError | undefined
		>();
		expectTypeOf(rootError(1)).toEqualTypeOf<unknown>();
		expectTypeOf(isError(1, 2)).toEqualTypeOf<boolean>();
		expectTypeOf(getMessage(undefined)).toEqualTypeOf<string>();
		expectTypeOf(fullMessage(undefined)).toEqualTypeOf<string>();
		expectTypeOf(causes(undefined)).toEqualTypeOf<IterableIterator<unknown>>();
		expectTypeOf<ErrorsErrorCode>().toEqualTypeOf<"ERR_ERRORS_TOO_MANY_ITERATIONS">();
	});
	it("instanceof narrows", () => {
		const e: unknown = new TimeoutError(5);
		if (e instanceof TimeoutError)
			expectTypeOf(e.timeoutMs).toEqualTypeOf<number>();
		if (e instanceof DropboxError)
			expectTypeOf(e.code).toEqualTypeOf<string | undefined>();
	});
});
