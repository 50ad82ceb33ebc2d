import fs from "node:fs";
import { DropboxError } from "@godropbox-ts/errors";
import { describe, expect, it } from "vitest";
import {
	AbortedError,
	AcquireTimeoutError,
	DialError,
	DialTimeoutError,
	LameDuckError,
	Net2Error,
	Net2ErrorCode,
	NoConnectionAvailableError,
	PoolClosedError,
	TooManyConnectionsError,
} from "../../src/index.js";

describe("errors", () => {
	it("every code is unique and named ERR_NET2_*", () => {
		const codes = Object.values(Net2ErrorCode);
		expect(new Set(codes).size).toBe(codes.length);
		for (const c of codes) expect(c).toMatch(/^ERR_NET2_[A-Z_]+$/);
	});

	it("every exported code appears in the README's errors table", () => {
		const readme = fs.readFileSync(
			new URL("../../README.md", import.meta.url),
			"utf8",
		);
		for (const c of Object.values(Net2ErrorCode))
			expect(readme).toContain(`\`${c}\``);
	});

	it("carries code, facts and cause; subclasses keep the hierarchy", () => {
		const cause = new Error("ECONNREFUSED");
		const dial = new DialError("tcp", "127.0.0.1:1", cause);
		expect(dial).toBeInstanceOf(Net2Error);
		expect(dial).toBeInstanceOf(Error);
		expect(dial.code).toBe(Net2ErrorCode.DialFailed);
		expect(dial.cause).toBe(cause);
		expect(dial.address).toBe("127.0.0.1:1");
		const timeout = new DialTimeoutError("tcp", "127.0.0.1:1", 250);
		expect(timeout).toBeInstanceOf(DialError);
		expect(timeout.code).toBe(Net2ErrorCode.DialTimeout);
		expect(timeout.timeoutMs).toBe(250);
		expect(timeout.message).toContain("connectTimeout");
		expect(new AcquireTimeoutError("tcp", "a:1", 5).message).toContain(
			"acquireTimeout",
		);
		expect(new TooManyConnectionsError("tcp", "a:1", 4).limit).toBe(4);
		expect(new AbortedError("why").cause).toBe("why");
		expect(new NoConnectionAvailableError(dial).cause).toBe(dial);
		expect(new LameDuckError()).not.toBeInstanceOf(PoolClosedError);
		expect(new PoolClosedError()).toBeInstanceOf(Net2Error);
	});

	it("instanceof works for an error from another copy of the package", () => {
		// What a second copy (the CJS build next to the ESM one) produces: other classes, same
		// Symbol.for brands (read by DropboxError's Symbol.hasInstance).
		class OtherNet2Error extends Error {
			static readonly brand: symbol = Symbol.for("godropbox-ts.net2.Net2Error");
		}
		Object.defineProperty(
			OtherNet2Error.prototype,
			Symbol.for("godropbox-ts.errors.DropboxError"),
			{ value: true },
		);
		class OtherDialError extends OtherNet2Error {
			static override readonly brand: symbol = Symbol.for(
				"godropbox-ts.net2.DialError",
			);
		}
		class OtherDialTimeoutError extends OtherDialError {
			static override readonly brand: symbol = Symbol.for(
				"godropbox-ts.net2.DialTimeoutError",
			);
		}
		const foreign = new OtherDialTimeoutError("x");
		expect(foreign).toBeInstanceOf(DialTimeoutError);
		expect(foreign).toBeInstanceOf(DialError);
		expect(foreign).toBeInstanceOf(Net2Error);
		expect(foreign).toBeInstanceOf(DropboxError);
		expect(foreign).not.toBeInstanceOf(PoolClosedError);
		expect(new OtherNet2Error("y")).not.toBeInstanceOf(DialError);
		expect({}).not.toBeInstanceOf(Net2Error);
	});

	it("is a DropboxError with name, code and info", () => {
		const err = new TooManyConnectionsError("tcp", "h:1", 2);
		expect(err).toBeInstanceOf(DropboxError);
		expect(err.name).toBe("TooManyConnectionsError");
		expect(err.info).toEqual({ network: "tcp", address: "h:1", limit: 2 });
		expect(String(err.stack)).toContain("TooManyConnectionsError");
	});
});
