import { describe, expect, it } from "vitest";
import {
	DEFAULT_CONNECTION_OPTIONS,
	InvalidArgumentError,
	MultiConnectionPool,
	Net2ErrorCode,
} from "../../src/index.js";
import { resolveConnectionOptions } from "../../src/options.js";

describe("connection options", () => {
	it("has frozen, documented defaults that reuse connections", () => {
		expect(Object.isFrozen(DEFAULT_CONNECTION_OPTIONS)).toBe(true);
		expect(DEFAULT_CONNECTION_OPTIONS).toMatchObject({
			maxActiveConnections: 0,
			maxIdleConnections: 16,
			maxIdleTime: 60_000,
			idleCheckInterval: 1_000,
			dialMaxConcurrency: 0,
			connectTimeout: 1_000,
			readTimeout: 0,
			writeTimeout: 0,
			waitForConnection: true,
			acquireTimeout: 5_000,
			keepAlive: 15_000,
			noDelay: true,
			tls: undefined,
			dial: undefined,
			createConnection: undefined,
		});
		expect(DEFAULT_CONNECTION_OPTIONS.now).toBe(Date.now);
	});

	it("merges over the defaults; undefined means default", () => {
		const r = resolveConnectionOptions({
			maxActiveConnections: 3,
			readTimeout: undefined,
		});
		expect(r.maxActiveConnections).toBe(3);
		expect(r.readTimeout).toBe(0);
		expect(Object.isFrozen(r)).toBe(true);
	});

	it.each([
		[{ maxActiveConnections: -1 }],
		[{ maxIdleConnections: 1.5 }],
		[{ maxIdleTime: Number.NaN }],
		[{ connectTimeout: "1000" }],
		[{ acquireTimeout: -5 }],
		[{ idleCheckInterval: 0 }],
		[{ waitForConnection: "yes" }],
		[{ noDelay: 1 }],
		[{ keepAlive: -1 }],
		[{ dial: "net.connect" }],
		[{ createConnection: {} }],
		[{ now: 5 }],
		[{ tls: "on" }],
		[{ maxConnections: 5 }],
	])("throws ERR_NET2_INVALID_ARGUMENT at construction for %o", (bad) => {
		const make = () => new MultiConnectionPool(bad as never);
		expect(make).toThrowError(InvalidArgumentError);
		expect(make).toThrowError(
			expect.objectContaining({ code: Net2ErrorCode.InvalidArgument }),
		);
	});

	it("accepts keepAlive as boolean or delay", () => {
		expect(resolveConnectionOptions({ keepAlive: false }).keepAlive).toBe(
			false,
		);
		expect(resolveConnectionOptions({ keepAlive: 500 }).keepAlive).toBe(500);
	});
});
