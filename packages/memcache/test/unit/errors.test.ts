import { describe, expect, it } from "vitest";
import {
	ConnectionError,
	InvalidKeyError,
	MemcacheError,
	MemcacheErrorCode,
	ProtocolError,
	TimeoutError,
} from "../../src/index.js";

describe("errors", () => {
	it("carry a stable code and the facts a caller needs", () => {
		const t = new TimeoutError("127.0.0.1:11211", 250);
		expect(t.code).toBe(MemcacheErrorCode.Timeout);
		expect(t.timeoutMs).toBe(250);
		expect(t.message).toMatch(/option: timeout/);
		const c = new ConnectionError("boom", "h:1", new Error("root"));
		expect((c.cause as Error).message).toBe("root");
		expect(new InvalidKeyError("a b").key).toBe("a b");
	});

	it("instanceof works by brand, also for an instance made by another copy of the class", () => {
		const p = new ProtocolError("bad", "h:1");
		expect(p).toBeInstanceOf(ProtocolError);
		expect(p).toBeInstanceOf(MemcacheError);
		expect(p).toBeInstanceOf(Error);
		expect(p instanceof TimeoutError).toBe(false);
		// A structurally separate object carrying the same brands (what a second copy of the
		// package produces) is recognised.
		const foreign = Object.create(Error.prototype) as object;
		Object.defineProperty(
			foreign,
			Symbol.for("godropbox-ts.memcache.errorBrands"),
			{
				value: ["ProtocolError", "MemcacheError"],
			},
		);
		expect(foreign instanceof ProtocolError).toBe(true);
		expect(foreign instanceof MemcacheError).toBe(true);
		expect(foreign instanceof TimeoutError).toBe(false);
		expect({} instanceof MemcacheError).toBe(false);
	});
});
