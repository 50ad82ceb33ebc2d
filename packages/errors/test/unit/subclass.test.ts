import { describe, expect, it } from "vitest";
import { DropboxError, isDropboxError } from "../../src/index.js";

class KeyTooLongError extends DropboxError {
	static override readonly code = "ERR_TEST_KEY_TOO_LONG";
	static override readonly brand = Symbol.for(
		"godropbox-ts.test.KeyTooLongError",
	);
	readonly key: string;
	constructor(key: string, options?: { cause?: unknown }) {
		super(`key of ${key.length} bytes is too long`, {
			...options,
			info: { key },
		});
		this.key = key;
	}
}
class MinifiedNameError extends DropboxError {
	static override readonly errorName = "StableName";
}
class ChildError extends KeyTooLongError {}

describe("DropboxError", () => {
	it("has name, message, code, info and the standard cause", () => {
		const cause = new Error("inner");
		const err = new DropboxError("outer", {
			cause,
			code: "ERR_TEST_X",
			info: { n: 1 },
		});
		expect(err.name).toBe("DropboxError");
		expect(err.message).toBe("outer");
		expect(err.code).toBe("ERR_TEST_X");
		expect(err.info).toEqual({ n: 1 });
		expect(err.cause).toBe(cause);
		expect(Object.hasOwn(new DropboxError("x"), "cause")).toBe(false);
		expect(String(err)).toBe("DropboxError: outer");
		expect(err.stack?.startsWith("DropboxError: outer\n")).toBe(true);
	});
	it("subclasses take name and code from statics; the option wins", () => {
		const err = new KeyTooLongError("k");
		expect(err.name).toBe("KeyTooLongError");
		expect(err.code).toBe("ERR_TEST_KEY_TOO_LONG");
		expect(err.stack?.startsWith("KeyTooLongError: key of 1 bytes")).toBe(true);
		expect(new MinifiedNameError("m").name).toBe("StableName");
		expect(new ChildError("c").name).toBe("ChildError");
		expect(new ChildError("c").code).toBe("ERR_TEST_KEY_TOO_LONG");
		class Coded extends DropboxError {
			static override readonly code = "ERR_TEST_DEFAULT";
		}
		expect(new Coded("x", { code: "ERR_TEST_OVERRIDE" }).code).toBe(
			"ERR_TEST_OVERRIDE",
		);
	});
	it("keeps defaults on the prototype: own properties only for given values", () => {
		expect(Object.keys(new DropboxError("x"))).toEqual([]);
		expect(Object.hasOwn(new DropboxError("x"), "code")).toBe(false);
		expect(Object.hasOwn(new DropboxError("x"), "name")).toBe(false);
		const full = new DropboxError("x", { code: "ERR_TEST_X", info: { n: 1 } });
		expect(Object.keys(full).sort()).toEqual(["code", "info"]);
		expect(new DropboxError("x", { cause: undefined }).cause).toBeUndefined();
		expect("cause" in new DropboxError("x", { cause: undefined })).toBe(false);
		expect(new KeyTooLongError("k").code).toBe("ERR_TEST_KEY_TOO_LONG");
		expect(Object.hasOwn(KeyTooLongError.prototype, "name")).toBe(true);
		class Named extends DropboxError {}
		Object.defineProperty(Named.prototype, "name", { value: "Custom" });
		expect(new Named("n").name).toBe("Custom");
		expect(new Named("n").stack?.startsWith("Custom: n\n")).toBe(true);
	});
	it("instanceof checks the subclass, not just any DropboxError", () => {
		const plain = new DropboxError("p");
		const key = new KeyTooLongError("k");
		const child = new ChildError("c");
		expect(plain instanceof DropboxError).toBe(true);
		expect(plain instanceof KeyTooLongError).toBe(false);
		expect(key instanceof KeyTooLongError).toBe(true);
		expect(key instanceof ChildError).toBe(false);
		expect(child instanceof KeyTooLongError).toBe(true);
		expect(child instanceof DropboxError).toBe(true);
		expect(child instanceof Error).toBe(true);
		expect(new MinifiedNameError("m") instanceof KeyTooLongError).toBe(false);
		expect(new Error("e") instanceof DropboxError).toBe(false);
		for (const v of [undefined, null, 1, "s", {}])
			expect(v instanceof DropboxError).toBe(false);
		expect(isDropboxError(child)).toBe(true);
		expect(isDropboxError(new Error("e"))).toBe(false);
	});
	it("a subclass stack excludes the subclass and DropboxError constructors", () => {
		function makeKey() {
			return new ChildError("k");
		}
		const err = makeKey();
		expect(err.stackFrames()[0]?.functionName).toBe("makeKey");
		expect(err.stack).not.toMatch(
			/new (ChildError|KeyTooLongError|DropboxError)/,
		);
	});
	it("stackFrames() is parsed once and cached until stack is replaced", () => {
		const err = new DropboxError("x");
		const frames = err.stackFrames();
		expect(err.stackFrames()).toBe(frames);
		expect(Object.isFrozen(frames)).toBe(true);
		err.stack =
			"DropboxError: x\n    at fake (/a/b.js:1:2)\n    at /c/d.js:3:4\n    at native";
		expect(err.stackFrames()).toEqual([
			{
				functionName: "fake",
				fileName: "/a/b.js",
				lineNumber: 1,
				columnNumber: 2,
			},
			{
				functionName: "<anonymous>",
				fileName: "/c/d.js",
				lineNumber: 3,
				columnNumber: 4,
			},
			{
				functionName: "<anonymous>",
				fileName: "native",
				lineNumber: undefined,
				columnNumber: undefined,
			},
		]);
		expect(err.getStack()).toBe(
			"fake\n\t/a/b.js:1:2\n<anonymous>\n\t/c/d.js:3:4\n<anonymous>\n\tnative\n",
		);
	});
	it("a message with `at` lines cannot inject frames", () => {
		const err = new DropboxError("x\n    at evil (/e.js:1:1)\ntail");
		expect(err.stackFrames().some((f) => f.functionName === "evil")).toBe(
			false,
		);
	});
});
