// The stored shard-map format, on values (no etcd): what is accepted, what is rejected and why.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
	EtcdShardMapErrorCode,
	formatShardMap,
	InvalidShardMapError,
	parseShardMap,
	toShardStates,
	validateShardMap,
} from "../src/etcd/index.js";
import { ShardState } from "../src/index.js";

const good = {
	version: 3,
	shards: [
		{ address: "127.0.0.1:11211", state: "Active" },
		{ address: "cache-2.example:11211", state: "WarmUp" },
		{ address: "[::1]:11212", state: "WriteOnly" },
		{ address: "10.0.0.4:1", state: "Down" },
	],
};

describe("shard map format", () => {
	it("accepts a valid map and maps state names to ShardState in shard order", () => {
		const m = parseShardMap(JSON.stringify(good), "/k", 9);
		expect(m).toEqual(good);
		expect(Object.isFrozen(m) && Object.isFrozen(m.shards)).toBe(true);
		expect(toShardStates(m)).toEqual([
			{ address: "127.0.0.1:11211", state: ShardState.Active },
			{ address: "cache-2.example:11211", state: ShardState.WarmUp },
			{ address: "[::1]:11212", state: ShardState.WriteOnly },
			{ address: "10.0.0.4:1", state: ShardState.Down },
		]);
		expect(parseShardMap(formatShardMap(m))).toEqual(good);
		expect(formatShardMap(m).endsWith("}\n")).toBe(true);
	});

	const bad: [string, unknown, RegExp][] = [
		["not an object", [1], /expected an object/],
		["unknown top-level field", { ...good, extra: 1 }, /unknown field "extra"/],
		[
			"missing version",
			{ shards: good.shards },
			/version: expected an integer/,
		],
		["version 0", { ...good, version: 0 }, /version/],
		["fractional version", { ...good, version: 1.5 }, /version/],
		["string version", { ...good, version: "3" }, /version/],
		[
			"shards not an array",
			{ version: 1, shards: {} },
			/shards: expected an array/,
		],
		["no shards", { version: 1, shards: [] }, /at least one shard/],
		[
			"entry not an object",
			{ version: 1, shards: ["a:1"] },
			/shards\[0\]: expected an object/,
		],
		[
			"unknown entry field",
			{ version: 1, shards: [{ address: "a:1", state: "Active", weight: 2 }] },
			/shards\[0\]: unknown field "weight"/,
		],
		[
			"no port",
			{ version: 1, shards: [{ address: "a", state: "Active" }] },
			/shards\[0\]\.address/,
		],
		[
			"port 0",
			{ version: 1, shards: [{ address: "a:0", state: "Active" }] },
			/address/,
		],
		[
			"port too big",
			{ version: 1, shards: [{ address: "a:70000", state: "Active" }] },
			/address/,
		],
		[
			"space in host",
			{ version: 1, shards: [{ address: "a b:1", state: "Active" }] },
			/address/,
		],
		[
			"duplicate address",
			{
				version: 1,
				shards: [
					{ address: "a:1", state: "Active" },
					{ address: "a:1", state: "Down" },
				],
			},
			/shards\[1\]\.address: a:1 appears twice/,
		],
		[
			"numeric state",
			{ version: 1, shards: [{ address: "a:1", state: 0 }] },
			/state: expected one of Active, WriteOnly, Down, WarmUp, got 0/,
		],
		[
			"unknown state",
			{ version: 1, shards: [{ address: "a:1", state: "active" }] },
			/got "active"/,
		],
		[
			"inherited name",
			{ version: 1, shards: [{ address: "a:1", state: "toString" }] },
			/got "toString"/,
		],
	];
	it.each(bad)(
		"rejects %s with InvalidShardMapError",
		(_name, value, reason) => {
			let caught: unknown;
			try {
				validateShardMap(value, "/k", 12);
			} catch (err) {
				caught = err;
			}
			expect(caught).toBeInstanceOf(InvalidShardMapError);
			const e = caught as InvalidShardMapError;
			expect(e.code).toBe(EtcdShardMapErrorCode.InvalidShardMap);
			expect(e.key).toBe("/k");
			expect(e.revision).toBe(12);
			expect(e.reason).toMatch(reason);
			expect(e.message).toContain("/k (revision 12)");
		},
	);

	it("rejects bad JSON (with the parse error as cause) and oversized values", () => {
		const e = (() => {
			try {
				parseShardMap("{", "/k");
			} catch (err) {
				return err as InvalidShardMapError;
			}
		})();
		expect(e?.reason).toBe("not valid JSON");
		expect(e?.cause).toBeInstanceOf(SyntaxError);
		expect(() => parseShardMap(Buffer.alloc(1024 * 1024 + 1, 32))).toThrow(
			/bytes, the limit is/,
		);
	});
});

describe("packaging", () => {
	it("nothing outside src/etcd imports etcd3 or the etcd entry (the main entry never loads it)", () => {
		const src = path.resolve(
			path.dirname(fileURLToPath(import.meta.url)),
			"../src",
		);
		const offenders: string[] = [];
		const walk = (dir: string): void => {
			for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
				const p = path.join(dir, e.name);
				if (e.isDirectory()) {
					if (p !== path.join(src, "etcd")) walk(p);
				} else if (/\.ts$/.test(e.name)) {
					const text = fs.readFileSync(p, "utf8");
					if (
						/from\s+["'](etcd3|\.{1,2}\/(?:.*\/)?etcd\/[^"']*)["']/.test(text)
					)
						offenders.push(path.relative(src, p));
				}
			}
		};
		walk(src);
		expect(offenders).toEqual([]);
		const pkg = JSON.parse(
			fs.readFileSync(path.resolve(src, "../package.json"), "utf8"),
		) as {
			peerDependencies?: Record<string, string>;
			peerDependenciesMeta?: Record<string, { optional?: boolean }>;
			dependencies?: Record<string, string>;
		};
		expect(pkg.dependencies?.etcd3).toBeUndefined();
		expect(pkg.peerDependencies?.etcd3).toBeDefined();
		expect(pkg.peerDependenciesMeta?.etcd3?.optional).toBe(true);
	});
});
