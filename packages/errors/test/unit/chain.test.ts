// Beyond godropbox: AggregateError, cycles, the depth cap, toJSON, util.inspect.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
	causes,
	DropboxError,
	findCause,
	findWrappedError,
	fullMessage,
	getMessage,
	isError,
	MAX_CAUSE_DEPTH,
	newError,
	rootError,
	wrap,
} from "../../src/index.js";

class RefusedError extends DropboxError {
	static override readonly code = "ERR_TEST_REFUSED";
	readonly address: string;
	constructor(address: string) {
		super(`connect ${address} refused`, { info: { address } });
		this.address = address;
	}
}

describe("causes() and findCause()", () => {
	it("walks the chain outermost first, AggregateError members before its cause", () => {
		const a = new Error("a");
		const b = wrap(new RefusedError("10.0.0.1:11211"), "b");
		const agg = new AggregateError([a, b], "all failed", {
			cause: new Error("agg cause"),
		});
		const top = wrap(agg, "top");
		const messages = [...causes(top)].map((e) => (e as Error).message);
		expect(messages).toEqual([
			"top",
			"all failed",
			"a",
			"b",
			"connect 10.0.0.1:11211 refused",
			"agg cause",
		]);
		expect(findCause(top, RefusedError)?.address).toBe("10.0.0.1:11211");
		expect(findCause(top, TypeError)).toBeUndefined();
		expect([...causes(undefined)]).toEqual([]);
		expect([...causes("just a string")]).toEqual(["just a string"]);
	});
	it("findWrappedError stays linear: it does not search AggregateError members", () => {
		const agg = new AggregateError([new RefusedError("x")], "any");
		expect(findWrappedError(wrap(agg, "top"), RefusedError)).toBeUndefined();
		expect(findCause(wrap(agg, "top"), RefusedError)).toBeInstanceOf(
			RefusedError,
		);
	});
	it("yields each error once when members share an error or refer back", () => {
		const shared = new Error("shared");
		const agg = new AggregateError([shared, shared], "dup");
		(shared as { cause?: unknown }).cause = agg;
		expect([...causes(agg)]).toEqual([agg, shared]);
	});
});

describe("cycles and the depth cap", () => {
	it("a self-referencing cause terminates every walk", () => {
		const self = new DropboxError("self");
		(self as { cause?: unknown }).cause = self;
		expect(getMessage(self)).toBe(
			"self\n[cause cycle: the chain refers back to an earlier error]",
		);
		expect(fullMessage(self)).toContain("ORIGINAL STACK TRACE:");
		expect([...causes(self)]).toEqual([self]);
		expect(rootError(self)).toBe(self);
		expect(findWrappedError(self, () => undefined)).toBeUndefined();
		expect(findCause(self, RangeError)).toBeUndefined();
		expect(isError(self, new Error("other"))).toBe(false);
		expect(JSON.stringify(self)).toContain('"cause":"[Circular]"');
		expect(inspect(self)).toContain("[Circular DropboxError: self]");
	});
	it("a two-error cycle terminates too", () => {
		const a = new Error("a");
		const b = wrap(a, "b");
		(a as { cause?: unknown }).cause = b;
		expect(getMessage(b)).toBe(
			"b\na\n[cause cycle: the chain refers back to an earlier error]",
		);
		expect(rootError(b)).toBe(a);
		expect([...causes(b)]).toEqual([b, a]);
	});
	it("a chain deeper than MAX_CAUSE_DEPTH is cut and says so", () => {
		let err: unknown = new Error("root");
		for (let i = 0; i < MAX_CAUSE_DEPTH + 10; i++) err = wrap(err, `w${i}`);
		const lines = getMessage(err).split("\n");
		expect(lines).toHaveLength(MAX_CAUSE_DEPTH + 1);
		expect(lines.at(-1)).toBe("[cause chain truncated: too deep]");
		expect([...causes(err)]).toHaveLength(MAX_CAUSE_DEPTH);
		expect(() => JSON.stringify(err)).not.toThrow();
		expect(() => inspect(err)).not.toThrow();
	});
});

describe("toJSON", () => {
	it("serializes name, message, code, info, stack and the cause chain", () => {
		const inner = Object.assign(new Error("socket hang up"), {
			code: "ECONNRESET",
		});
		const err = new DropboxError("get failed", {
			cause: inner,
			code: "ERR_TEST_GET",
			info: { key: "k1" },
		});
		const json = JSON.parse(JSON.stringify(err));
		expect(json).toMatchObject({
			name: "DropboxError",
			message: "get failed",
			code: "ERR_TEST_GET",
			info: { key: "k1" },
			cause: { name: "Error", message: "socket hang up", code: "ECONNRESET" },
		});
		expect(json.stack).toBe(err.stack);
		expect(typeof json.cause.stack).toBe("string");
	});
	it("serializes AggregateError members and non-error causes", () => {
		const err = wrap(new AggregateError([new Error("m1"), "m2"], "agg"), "top");
		const json = err.toJSON();
		const cause = json.cause as { errors: unknown[] };
		expect((cause.errors[0] as { message: string }).message).toBe("m1");
		expect(cause.errors[1]).toBe("m2");
		expect(wrap(42, "n").toJSON().cause).toBe(42);
		expect(wrap(10n, "n").toJSON().cause).toBe("10");
		expect(Object.keys(newError("x").toJSON()).sort()).toEqual([
			"message",
			"name",
			"stack",
		]);
	});
});

describe("util.inspect", () => {
	it("shows header with code, frames, info and every cause", () => {
		function dial() {
			return wrap(new RefusedError("127.0.0.1:1"), "dial failed");
		}
		const text = inspect(dial());
		const lines = text.split("\n");
		expect(lines[0]).toBe("DropboxError: dial failed");
		expect(lines[1]).toMatch(/^ {4}at dial \(/);
		expect(text).toContain(
			"  [cause]: RefusedError [ERR_TEST_REFUSED]: connect 127.0.0.1:1 refused",
		);
		expect(text).toContain("info: { address: '127.0.0.1:1' }");
		expect(text).not.toMatch(/errors\/src\//);
	});
	it("renders AggregateError members and non-error causes", () => {
		const text = inspect(
			wrap(new AggregateError([new Error("m1")], "agg"), "top"),
		);
		expect(text).toContain("[cause]: AggregateError: agg");
		expect(text).toContain("[errors]: [");
		expect(text).toContain("Error: m1");
		expect(inspect(wrap("str", "top"))).toContain("[cause]: 'str'");
	});
});
