import path from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import {
	DEFAULT_SERVE_PORT,
	DEFAULT_SERVICE_OPTIONS,
	parseDuration,
	parseOptions,
	parseServerList,
} from "../../src/options.js";

describe("parseOptions", () => {
	it("gives the embedded defaults with no flags and no environment", () => {
		const o = parseOptions([], {});
		expect(o).toEqual({ ...DEFAULT_SERVICE_OPTIONS });
		expect(o.durationMs).toBe(10_000);
		expect(o.profiles).toBe(100_000);
		expect(o.port).toBe(0);
		expect(o.dataDir.endsWith(path.join("profile-service", "data"))).toBe(true);
	});

	it("reads flags, and --serve defaults the port to 8080", () => {
		const o = parseOptions(
			[
				"--serve",
				"--duration",
				"2.5s",
				"--concurrency",
				"4",
				"--profiles",
				"1000",
				"--zipf",
				"1.2",
				"--data-dir",
				"/tmp/x",
			],
			{},
		);
		expect(o.serve).toBe(true);
		expect(o.port).toBe(DEFAULT_SERVE_PORT);
		expect(o.durationMs).toBe(2500);
		expect(o.concurrency).toBe(4);
		expect(o.profiles).toBe(1000);
		expect(o.zipfExponent).toBe(1.2);
		expect(o.dataDir).toBe("/tmp/x");
		expect(parseOptions(["--serve", "--port", "0"], {}).port).toBe(0);
	});

	it("ignores the `--` separator pnpm passes through", () => {
		expect(parseOptions(["--", "--duration", "3"], {}).durationMs).toBe(3000);
	});

	it("reads DATABASE_URL and MEMCACHE_SERVERS", () => {
		const o = parseOptions([], {
			DATABASE_URL: "mysql://root@127.0.0.1:3306/test",
			MEMCACHE_SERVERS: "127.0.0.1:11211, 127.0.0.1:11212",
		});
		expect(o.databaseUrl).toBe("mysql://root@127.0.0.1:3306/test");
		expect(o.memcacheServers).toEqual(["127.0.0.1:11211", "127.0.0.1:11212"]);
		expect(
			parseOptions([], { MEMCACHE_SERVERS: " " }).memcacheServers,
		).toBeUndefined();
	});

	it("reads ETCD_ENDPOINTS (unset or blank: shard states stay in-process)", () => {
		expect(
			parseOptions([], {
				ETCD_ENDPOINTS: "http://127.0.0.1:2379, http://127.0.0.1:22379",
			}).etcdEndpoints,
		).toEqual(["http://127.0.0.1:2379", "http://127.0.0.1:22379"]);
		expect(parseOptions([], {}).etcdEndpoints).toBeUndefined();
		expect(
			parseOptions([], { ETCD_ENDPOINTS: " " }).etcdEndpoints,
		).toBeUndefined();
		expect(() =>
			parseOptions([], { ETCD_ENDPOINTS: "127.0.0.1:2379" }),
		).toThrow(
			/ETCD_ENDPOINTS entries must look like http:\/\/host:port, got '127.0.0.1:2379'/,
		);
	});

	it.each([
		[["--bogus"], /Unknown option '--bogus'/],
		[["--port", "70000"], /--port must be between 0 and 65535, got 70000/],
		[["--port", "abc"], /--port must be a whole number, got 'abc'/],
		[["--concurrency", "0"], /--concurrency must be between 1 and 1024/],
		[
			["--duration", "soon"],
			/--duration must be a number of seconds or have a unit/,
		],
		[
			["--duration", "2h"],
			/--duration must be a number of seconds or have a unit/,
		],
		[["--zipf=-1"], /--zipf must be a number from 0 to 5/],
		[["--zipf", "9"], /--zipf must be a number from 0 to 5/],
		[["extra"], /unexpected argument 'extra'/],
	])("rejects %j with a clear message", (argv, message) => {
		expect(() => parseOptions(argv, {})).toThrow(UsageError);
		expect(() => parseOptions(argv, {})).toThrow(message);
	});
});

describe("parseDuration", () => {
	it.each([
		["10", 10_000],
		["500ms", 500],
		["1.5s", 1500],
		["1m", 60_000],
	])("%s → %d ms", (raw, ms) => expect(parseDuration(raw)).toBe(ms));

	it("bounds the run between 100 ms and one hour", () => {
		expect(() => parseDuration("50ms")).toThrow(/between 100ms and 1h/);
		expect(() => parseDuration("61m")).toThrow(/between 100ms and 1h/);
	});
});

describe("parseServerList", () => {
	it("accepts host:port entries separated by commas or spaces", () => {
		expect(parseServerList("a:1 b:2,[::1]:3")).toEqual([
			"a:1",
			"b:2",
			"[::1]:3",
		]);
	});
	it("rejects entries without a port", () => {
		expect(() => parseServerList("127.0.0.1")).toThrow(
			"MEMCACHE_SERVERS entries must look like host:port, got '127.0.0.1'",
		);
		expect(() => parseServerList("h:0")).toThrow(/host:port/);
	});
});
