// The package functions build their errors one of two ways, picked by V8 version
// (src/internal/capture.ts). Both must give the same error; CI's Node runs only one by default,
// so each scenario runs in both modes here.
import { afterEach, describe, expect, it } from "vitest";
import {
	DropboxError,
	newError,
	newErrorf,
	wrap,
	wrapf,
} from "../../src/index.js";
import { captureMode } from "../../src/internal/capture.js";

const defaultMode = captureMode.constructAs;
afterEach(() => {
	captureMode.constructAs = defaultMode;
});

it("the default follows the V8 version (construct-as from V8 12, Node 22)", () => {
	const major = Number.parseInt(process.versions.v8, 10);
	expect(defaultMode).toBe(major >= 12);
});

describe.each([
	["Error.captureStackTrace after construction", false],
	["Reflect.construct with the function as new.target", true],
])("%s", (_, constructAs) => {
	function made(): DropboxError[] {
		captureMode.constructAs = constructAs;
		return [
			newError("a"),
			newErrorf("b %d", 1),
			wrap(new Error("inner"), "c"),
			wrapf(new Error("inner"), "d %s", "x"),
			wrap(undefined, "e"),
			wrapf(null, "f"),
		];
	}

	it("starts every stack at the caller and never shows the package's frames", () => {
		for (const err of made()) {
			expect(err.stackFrames()[0]?.functionName).toBe("made");
			expect(err.stack?.split("\n")[1]).toMatch(/^ {4}at made /);
			expect(err.stack).not.toMatch(/errors\/src\//);
			expect(err.stack).not.toMatch(/Reflect\.construct|new DropboxError/);
		}
	});

	it("gives the same object: prototype, name, message, cause, no own code/info", () => {
		const [a, b, c, d, e, f] = made();
		for (const err of [a, b, c, d, e, f]) {
			expect(Object.getPrototypeOf(err)).toBe(DropboxError.prototype);
			expect(err).toBeInstanceOf(DropboxError);
			expect(err).toBeInstanceOf(Error);
			expect(err.name).toBe("DropboxError");
			expect(Object.hasOwn(err as object, "code")).toBe(false);
			expect(Object.hasOwn(err as object, "info")).toBe(false);
			expect(err?.constructor).toBe(DropboxError);
		}
		expect([a, b, c, d, e, f].map((x) => x?.message)).toEqual([
			"a",
			"b 1",
			"c",
			"d x",
			"e",
			"f",
		]);
		expect((c?.cause as Error | undefined)?.message).toBe("inner");
		expect((d?.cause as Error | undefined)?.message).toBe("inner");
		for (const err of [a, b, e, f])
			expect(Object.hasOwn(err as object, "cause")).toBe(false);
		expect(c?.stack?.startsWith("DropboxError: c\n")).toBe(true);
	});

	it("honours Error.stackTraceLimit and leaves it as it was, even when creation throws", () => {
		const saved = Error.stackTraceLimit;
		try {
			Error.stackTraceLimit = 2;
			for (const err of made()) {
				expect(err.stackFrames()).toHaveLength(2);
				expect(err.stackFrames()[0]?.functionName).toBe("made");
			}
			const hostile = {
				toString(): string {
					throw new Error("no text");
				},
			} as unknown as string;
			expect(() => wrap(new Error("x"), hostile)).toThrow("no text");
			expect(() => newError(hostile)).toThrow("no text");
			expect(Error.stackTraceLimit).toBe(2);
		} finally {
			Error.stackTraceLimit = saved;
		}
	});

	it("a subclass's construction is unaffected", () => {
		class KeyError extends DropboxError {
			static override readonly code = "ERR_KEY";
		}
		captureMode.constructAs = constructAs;
		const inner = new KeyError("k");
		const outer = wrap(inner, "outer");
		expect(inner.name).toBe("KeyError");
		expect(inner.code).toBe("ERR_KEY");
		expect(outer.name).toBe("DropboxError");
		expect(outer.code).toBeUndefined();
		expect(DropboxError.prototype.name).toBe("DropboxError");
	});
});

describe("the package functions' errors equal `new DropboxError`'s", () => {
	/** Own keys with their attributes, and the prototype: what a consumer can observe. */
	function shape(err: object): unknown {
		return {
			proto: Object.getPrototypeOf(err),
			own: Reflect.ownKeys(err).map((key) => {
				const d = Object.getOwnPropertyDescriptor(err, key);
				return {
					key: String(key),
					enumerable: d?.enumerable,
					writable: d?.writable,
					configurable: d?.configurable,
					accessor: d?.get !== undefined || d?.set !== undefined,
				};
			}),
		};
	}
	it.each([false, true])("constructAs = %s", (constructAs) => {
		captureMode.constructAs = constructAs;
		const cause = new Error("inner");
		expect(shape(wrap(cause, "m"))).toEqual(
			shape(new DropboxError("m", { cause })),
		);
		expect(shape(wrapf(cause, "%s", "m"))).toEqual(
			shape(new DropboxError("m", { cause })),
		);
		expect(shape(newError("m"))).toEqual(shape(new DropboxError("m")));
		expect(shape(newErrorf("m"))).toEqual(shape(new DropboxError("m")));
		expect(shape(wrap(undefined, "m"))).toEqual(shape(new DropboxError("m")));
		expect(Object.keys(wrap(cause, "m"))).toEqual([]);
	});
});
