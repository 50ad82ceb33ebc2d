// Scenarios of godropbox errors/errors_test.go and the behaviours observed by running it
// (spec/errors.md §8), in their TS form.
import { describe, expect, it } from "vitest";
import {
	DropboxError,
	ErrorsErrorCode,
	findWrappedError,
	fullMessage,
	getMessage,
	getStack,
	isError,
	NON_ERROR_MESSAGE,
	newError,
	newErrorf,
	rootDropboxError,
	rootError,
	wrap,
	wrapf,
} from "../../src/index.js";

const PRINTABLE_OR_SPACE = /^[\x20-\x7e\s]*$/;

function testNewHelper(): DropboxError {
	return newError("new error");
}

describe("newError (1)", () => {
	it("keeps the message, names the caller, never the package's own files", () => {
		const err = testNewHelper();
		expect(err.getMessage()).toBe("new error");
		expect(err.message).toBe("new error");
		const stack = err.getStack();
		expect(stack).toContain("testNewHelper");
		expect(stack.split("\n")[0]).toBe("testNewHelper");
		expect(stack).not.toMatch(/errors\/src\//);
		expect(stack).toMatch(PRINTABLE_OR_SPACE);
		expect(err.stack).not.toMatch(/errors\/src\//);
	});
	it("the first frame of `new DropboxError` and of a subclass is the caller", () => {
		class SubError extends DropboxError {}
		function makeBoth(): [DropboxError, SubError] {
			return [new DropboxError("a"), new SubError("b")];
		}
		for (const err of makeBoth()) {
			expect(err.stackFrames()[0]?.functionName).toBe("makeBoth");
			expect(err.stack).not.toMatch(/errors\/src\//);
		}
	});
	it("wrap, wrapf and newErrorf start their stacks at the caller too", () => {
		function viaWrappers(): DropboxError[] {
			return [
				wrap(new Error("x"), "w"),
				wrapf(undefined, "%d", 1),
				newErrorf("%s", "y"),
			];
		}
		for (const err of viaWrappers()) {
			expect(err.stackFrames()[0]?.functionName).toBe("viaWrappers");
		}
	});
	// Error.stackTraceLimit (honoured, restored even when creation throws): capture-modes.test.ts,
	// both ways the package functions can build an error.
});

describe("chain text (2, 12, 13, 14, 16)", () => {
	const chain = () => wrap(wrap(new Error("inner"), "middle"), "outer");
	it("fullMessage holds each message followed by a newline (2)", () => {
		const text = chain().fullMessage();
		for (const m of ["outer\n", "middle\n", "inner\n"])
			expect(text).toContain(m);
	});
	it("lays out messages, the header line and two lines per frame (12)", () => {
		function makeX() {
			return newError("x");
		}
		const err = makeX();
		const text = fullMessage(err);
		expect(text.startsWith("x\nORIGINAL STACK TRACE:\n")).toBe(true);
		expect(text.endsWith("\n")).toBe(true);
		const frames = text.slice("x\nORIGINAL STACK TRACE:\n".length).split("\n");
		frames.pop();
		expect(frames.length % 2).toBe(0);
		expect(frames[0]).toBe("makeX");
		expect(frames[1]).toMatch(/^\t.*godropbox\.test\.ts:\d+:\d+$/);
		for (let i = 1; i < frames.length; i += 2)
			expect(frames[i]?.startsWith("\t")).toBe(true);
		expect(text).toBe(`x\nORIGINAL STACK TRACE:\n${err.getStack()}`);
	});
	it("prints the innermost DropboxError's stack, not the wrapper's (13)", () => {
		function makeInner() {
			return newError("x");
		}
		function addContext(e: unknown) {
			return wrap(e, "context");
		}
		const inner = makeInner();
		const text = addContext(inner).fullMessage();
		expect(text).toBe(`context\nx\nORIGINAL STACK TRACE:\n${inner.getStack()}`);
		expect(text).not.toContain("addContext");
	});
	it("a wrapped standard error adds its text only; the stack is wrap's (14)", () => {
		function wrapEof() {
			return wrap(new Error("EOF"), "context");
		}
		const err = wrapEof();
		expect(err.fullMessage()).toBe(
			`context\nEOF\nORIGINAL STACK TRACE:\n${err.getStack()}`,
		);
		expect(err.getStack().split("\n")[0]).toBe("wrapEof");
		const w = wrapf(
			new Error("open cfg: no such file or directory"),
			"open failed for %s",
			"cfg",
		);
		expect(w.fullMessage().split("\n").slice(0, 3)).toEqual([
			"open failed for cfg",
			"open cfg: no such file or directory",
			"ORIGINAL STACK TRACE:",
		]);
	});
	it("wrap(undefined | null) equals newError; empty messages keep their lines (16)", () => {
		for (const nil of [undefined, null]) {
			const err = wrap(nil, "msg");
			expect("cause" in err).toBe(false);
			expect(getMessage(err)).toBe("msg");
		}
		expect(
			newError("").fullMessage().startsWith("\nORIGINAL STACK TRACE:\n"),
		).toBe(true);
		expect(
			wrap(newError("inner"), "")
				.fullMessage()
				.startsWith("\ninner\nORIGINAL STACK TRACE:\n"),
		).toBe(true);
		expect(getMessage(wrap(newError("a\nb"), "c"))).toBe("c\na\nb");
	});
});

describe("getMessage (15)", () => {
	it("returns the chain text without stack", () => {
		expect(getMessage(wrap(wrap(new Error("inner"), "middle"), "outer"))).toBe(
			"outer\nmiddle\ninner",
		);
	});
	it("returns a runtime error's text", () => {
		let caught: unknown;
		try {
			(undefined as unknown as { x: () => void }).x();
		} catch (err) {
			caught = err;
		}
		expect(caught).toBeInstanceOf(TypeError);
		expect(getMessage(caught)).toBe((caught as Error).message);
	});
	it("returns the literal fallback for non-errors and never throws", () => {
		for (const v of [
			undefined,
			null,
			"a string",
			42,
			{},
			Object.create(null),
		]) {
			expect(getMessage(v)).toBe("Passed a non-error to GetMessage");
		}
		expect(NON_ERROR_MESSAGE).toBe("Passed a non-error to GetMessage");
		expect(getMessage(wrap("thrown string", "ctx"))).toBe("ctx\nthrown string");
	});
});

describe("rootError / rootDropboxError (3, 10, 17, 18)", () => {
	it("root is the original error (identity); rootDropboxError the middle one (3)", () => {
		const inner = new Error("inner");
		const middle = wrap(inner, "middle");
		const outer = wrap(middle, "outer");
		expect(rootError(outer)).toBe(inner);
		expect(rootDropboxError(outer)).toBe(middle);
		expect(rootDropboxError(middle)).toBe(middle);
		expect(rootDropboxError(new Error("x"))).toBeUndefined();
	});
	it("nil, custom errors and non-error causes (10)", () => {
		expect(rootError(undefined)).toBeUndefined();
		expect(rootError(null)).toBeNull();
		class DatabaseError extends DropboxError {}
		const custom = new DatabaseError("db");
		expect(rootError(custom)).toBe(custom);
		const nilCause = Object.assign(new Error("x"), { cause: null });
		expect(rootError(nilCause)).toBe(nilCause);
		const numberCause = new Error("x", { cause: 0xc000 });
		expect(rootError(numberCause)).toBe(0xc000);
		const holder = { cause: custom };
		expect(rootError(holder)).toBe(custom);
		const errno = Object.assign(new Error("connect ECONNREFUSED"), {
			code: "ECONNREFUSED",
		});
		expect(rootError(errno)).toBe(errno);
	});
	it("19 wrappers resolve, 20 give ERR_ERRORS_TOO_MANY_ITERATIONS (17)", () => {
		const root = new Error("root");
		let err: unknown = root;
		for (let i = 0; i < 19; i++) err = wrap(err, `w${i}`);
		expect(rootError(err)).toBe(root);
		err = wrap(err, "w19");
		const result = rootError(err) as DropboxError;
		expect(result).toBeInstanceOf(DropboxError);
		expect(result.message).toBe("too many iterations: Error");
		expect(result.code).toBe(ErrorsErrorCode.TOO_MANY_ITERATIONS);
		expect(result.cause).toBe(root);
	});
	it("follows `cause` of any error (the TS form of Err fields and %w) (18)", () => {
		const enoent = Object.assign(new Error("ENOENT"), { errno: -2 });
		const pathError = new Error("open cfg", { cause: enoent });
		expect(rootError(wrapf(pathError, "open failed for %s", "cfg"))).toBe(
			enoent,
		);
	});
});

describe("isError (19)", () => {
	const EOF = new Error("EOF");
	it("matches Go's observed results where they do not depend on stack text", () => {
		expect(isError(wrap(EOF, "x"), EOF)).toBe(true);
		expect(isError(undefined, undefined)).toBe(true);
		expect(isError(null, undefined)).toBe(true);
		expect(isError(undefined, EOF)).toBe(false);
		expect(isError(EOF, undefined)).toBe(false);
		expect(isError(newError(""), undefined)).toBe(false);
		expect(isError(EOF, EOF)).toBe(true);
		const x = newError("x");
		expect(isError(x, x)).toBe(true);
		expect(isError(wrap(x, "w"), x)).toBe(true);
		expect(isError(newError("EOF"), EOF)).toBe(false);
		expect(isError(new Error("EOF"), EOF)).toBe(true);
	});
	it("never compares stacks: two DropboxErrors match by code or class+message", () => {
		expect(isError(newError("same"), newError("same"))).toBe(true);
		expect(isError(newError("a"), newError("b"))).toBe(false);
		const a = new DropboxError("first text", { code: "ERR_X" });
		const b = new DropboxError("other text", { code: "ERR_X" });
		expect(isError(wrap(a, "ctx"), b)).toBe(true);
		expect(
			isError(
				wrap(a, "ctx"),
				new DropboxError("first text", { code: "ERR_Y" }),
			),
		).toBe(false);
		expect(isError(new TypeError("EOF"), EOF)).toBe(false);
	});
	it("walks %w-style chains (Go did not)", () => {
		expect(isError(new Error("ctx", { cause: EOF }), EOF)).toBe(true);
	});
});

describe("findWrappedError (5, 6, 7, 8, 21)", () => {
	function counting(fn: (cur: unknown, top: unknown) => unknown) {
		const calls: unknown[] = [];
		const classifier = (cur: unknown, top: unknown) => {
			calls.push(cur);
			return fn(cur, top);
		};
		return { calls, classifier };
	}
	const messageOf = (e: unknown) => (e instanceof Error ? e.message : "");
	it("nil top: never calls the classifier; wrap(nil) is called once (5)", () => {
		const c = counting(() => undefined);
		expect(findWrappedError(undefined, c.classifier)).toBeUndefined();
		expect(c.calls).toHaveLength(0);
		const skip = wrap(undefined, "skip");
		expect(findWrappedError(skip, c.classifier)).toBeUndefined();
		expect(c.calls).toEqual([skip]);
	});
	it("not found: one call per level (6)", () => {
		let err: unknown = newError("skip");
		for (const expected of [1, 2, 3]) {
			const c = counting(() => undefined);
			expect(findWrappedError(err, c.classifier)).toBeUndefined();
			expect(c.calls).toHaveLength(expected);
			err = wrap(err, "skip");
		}
	});
	it("found: returns the current error (7)", () => {
		const pick = (cur: unknown) =>
			messageOf(cur) === "return_me" ? cur : undefined;
		const target = newError("return_me");
		let err: unknown = target;
		for (const expected of [1, 2, 3]) {
			const c = counting(pick);
			expect(findWrappedError(err, c.classifier)).toBe(target);
			expect(c.calls).toHaveLength(expected);
			err = wrap(err, "skip");
		}
		const outerMe = wrap(target, "return_me");
		const c1 = counting(pick);
		expect(findWrappedError(outerMe, c1.classifier)).toBe(outerMe);
		expect(c1.calls).toHaveLength(1);
		const c2 = counting(pick);
		expect(findWrappedError(wrap(outerMe, "skip"), c2.classifier)).toBe(
			outerMe,
		);
		expect(c2.calls).toHaveLength(2);
	});
	it("found-top: the classifier may return the top error (8)", () => {
		const pickTop = (cur: unknown, top: unknown) =>
			messageOf(cur) === "return_top" ? top : undefined;
		let err: unknown = newError("return_top");
		for (const expected of [1, 2, 3]) {
			const c = counting(pickTop);
			expect(findWrappedError(err, c.classifier)).toBe(err);
			expect(c.calls).toHaveLength(expected);
			err = wrap(err, "skip");
		}
		const outer = wrap(newError("return_top"), "return_top");
		const c1 = counting(pickTop);
		expect(findWrappedError(outer, c1.classifier)).toBe(outer);
		expect(c1.calls).toHaveLength(1);
		const top = wrap(outer, "skip");
		const c2 = counting(pickTop);
		expect(findWrappedError(top, c2.classifier)).toBe(top);
		expect(c2.calls).toHaveLength(2);
	});
	it("classifies a non-Dropbox leaf; Wrap(EOF) means two calls (21)", () => {
		const c = counting(() => undefined);
		findWrappedError(wrap(new Error("EOF"), "a"), c.classifier);
		expect(c.calls).toHaveLength(2);
	});
	it("accepts a class and returns a typed match", () => {
		class TimeoutError extends DropboxError {
			readonly timeoutMs = 5;
		}
		const t = new TimeoutError("slow");
		expect(
			findWrappedError(wrap(wrap(t, "a"), "b"), TimeoutError)?.timeoutMs,
		).toBe(5);
		expect(
			findWrappedError(wrap(new Error("x"), "b"), TimeoutError),
		).toBeUndefined();
		expect(
			findWrappedError(wrap(new RangeError("x"), "b"), RangeError)?.message,
		).toBe("x");
	});
});

describe("custom error type (9) and the standard cause (20)", () => {
	class DatabaseError extends DropboxError {
		static override readonly code = "ERR_TEST_DATABASE";
		readonly dbCode: number;
		constructor(message: string, dbCode: number) {
			super(message);
			this.dbCode = dbCode;
		}
	}
	function testCustomError() {
		return wrap(new DatabaseError("database error", 1205), "outer msg");
	}
	it("joins the family: messages, the creator's name in the stack, code", () => {
		const err = testCustomError();
		const text = err.fullMessage();
		expect(text).toContain("outer msg\ndatabase error\n");
		expect(text).toContain("testCustomError");
		const db = rootDropboxError(err);
		expect(db).toBeInstanceOf(DatabaseError);
		expect((db as DatabaseError).dbCode).toBe(1205);
		expect(db?.code).toBe("ERR_TEST_DATABASE");
		expect(db?.name).toBe("DatabaseError");
	});
	it("wrap stores the inner error as the standard `cause` (20)", () => {
		const inner = new Error("EOF");
		const err = wrap(inner, "x");
		expect(err.cause).toBe(inner);
		expect(err).toBeInstanceOf(Error);
		expect(getStack(42)).toBe("");
	});
});
