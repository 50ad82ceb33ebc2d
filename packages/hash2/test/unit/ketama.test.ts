import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
	createKetamaShardFunction,
	HASH2_ERROR_CODES,
	KetamaRing,
	type KetamaRingOptions,
	type KetamaServer,
} from "../../src/index.js";

interface Scenario {
	readonly name: string;
	readonly servers: KetamaServer[];
	readonly options: KetamaRingOptions;
	readonly points: number;
	readonly expect: [string, string][];
}

const fixture = JSON.parse(
	readFileSync(
		new URL("../fixtures/hashring-vectors.json", import.meta.url),
		"utf8",
	),
) as { scenarios: Scenario[] };

const errorOf = (fn: () => unknown): unknown => {
	try {
		fn();
	} catch (err) {
		return [(err as Error).constructor.name, (err as { code?: unknown }).code];
	}
	return "no throw";
};

describe("KetamaRing against hashring@3.2.0 vectors", () => {
	it("has the six generated scenarios", () => {
		expect(fixture.scenarios).toHaveLength(6);
	});

	for (const s of fixture.scenarios) {
		it(`${s.name}: same points and same server for every key`, () => {
			const ring = new KetamaRing(s.servers, s.options);
			expect(ring.pointCount).toBe(s.points);
			const got = s.expect.map(([key]) => [key, ring.get(key)]);
			expect(got).toEqual(s.expect);
			const shardOf = createKetamaShardFunction(s.servers, s.options);
			const addresses = s.servers.map((x) => x.address);
			for (const [key, server] of s.expect) {
				expect(addresses[shardOf(key, addresses.length)]).toBe(server);
			}
		});
	}

	it("agrees with hashring live on random keys and after add/remove", () => {
		const require = createRequire(import.meta.url);
		const HashRing = require("hashring") as new (
			servers: unknown,
			algorithm?: string,
			options?: Record<string, unknown>,
		) => {
			get(key: string): string;
			add(s: unknown): void;
			remove(s: string): void;
		};
		const servers = ["a:1", "b:2", "c:3", "d:4"];
		const theirs = new HashRing(servers, "md5", { "max cache size": 1 });
		const ours = new KetamaRing(servers);
		const keys = Array.from(
			{ length: 300 },
			(_, i) => `${(i * 2654435761) >>> 0}/${i}`,
		);
		for (const k of keys) expect(ours.get(k)).toBe(theirs.get(k));
		theirs.add("e:5");
		ours.add("e:5");
		for (const k of keys) expect(ours.get(k)).toBe(theirs.get(k));
		theirs.remove("b:2");
		expect(ours.remove("b:2")).toBe(true);
		for (const k of keys) expect(ours.get(k)).toBe(theirs.get(k));
	});
});

describe("KetamaRing behaviour", () => {
	it("removing a server only moves that server's keys", () => {
		const ring = new KetamaRing(["s1", "s2", "s3", "s4", "s5"]);
		const keys = Array.from({ length: 2000 }, (_, i) => `key-${i}`);
		const before = keys.map((k) => ring.get(k));
		ring.remove("s3");
		let moved = 0;
		keys.forEach((k, i) => {
			const now = ring.get(k);
			if (before[i] === "s3") expect(now).not.toBe("s3");
			else expect(now).toBe(before[i]);
			if (now !== before[i]) moved++;
		});
		expect(moved).toBe(before.filter((s) => s === "s3").length);
		expect(moved).toBeGreaterThan(200);
		expect(moved).toBeLessThan(700);
	});

	it("reports servers, has, keyPoint and weights", () => {
		const ring = new KetamaRing(["x", { address: "y", weight: 3 }]);
		expect(ring.servers).toEqual([
			{ address: "x", weight: 1 },
			{ address: "y", weight: 3 },
		]);
		expect(ring.has("y")).toBe(true);
		expect(ring.has("z")).toBe(false);
		expect(ring.remove("z")).toBe(false);
		// floor(1/4·40·2)=20 and floor(3/4·40·2)=60 hashes, 4 points each
		expect(ring.pointCount).toBe(320);
		// MD5("") = d41d8cd9…: first word little-endian = 0xd98c1dd4
		expect(KetamaRing.keyPoint("")).toBe(0xd98c1dd4);
		ring.add({ address: "x", weight: 3 });
		expect(ring.servers[0]).toEqual({ address: "x", weight: 3 });
		// equal weights again: floor(3/6·40·2)=40 hashes each
		expect(ring.pointCount).toBe(320);
		ring.add("z");
		// floor(3/7·120)=51, 51, floor(1/7·120)=17 hashes
		expect(ring.pointCount).toBe((51 + 51 + 17) * 4);
	});

	it("the lookup cache never changes an answer, and is dropped when the ring changes", () => {
		const servers = ["a:1", "b:1", "c:1"];
		const plain = new KetamaRing(servers, { cacheSize: 0 });
		const cached = new KetamaRing(servers, { cacheSize: 3 });
		const keys = Array.from({ length: 400 }, (_, i) => `k${i % 7}-${i % 5}`);
		for (const k of keys) expect(cached.get(k)).toBe(plain.get(k));
		const owned = keys.find((k) => cached.get(k) === "b:1") as string;
		cached.remove("b:1");
		plain.remove("b:1");
		expect(cached.get(owned)).not.toBe("b:1");
		for (const k of keys) expect(cached.get(k)).toBe(plain.get(k));
	});

	it("validates servers, options and keys", () => {
		const N = HASH2_ERROR_CODES.INVALID_NODE;
		expect(errorOf(() => new KetamaRing([""]))).toEqual(["TypeError", N]);
		expect(errorOf(() => new KetamaRing(["a", "a"]))).toEqual([
			"RangeError",
			N,
		]);
		expect(errorOf(() => new KetamaRing("a" as unknown as string[]))).toEqual([
			"TypeError",
			N,
		]);
		for (const weight of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
			expect(errorOf(() => new KetamaRing([{ address: "a", weight }]))).toEqual(
				["RangeError", HASH2_ERROR_CODES.INVALID_WEIGHT],
			);
		}
		const O = HASH2_ERROR_CODES.INVALID_OPTION;
		expect(errorOf(() => new KetamaRing(["a"], { vnodes: 0 }))).toEqual([
			"RangeError",
			O,
		]);
		expect(
			errorOf(
				() => new KetamaRing(["a"], { pointsPerHash: 5 as unknown as 4 }),
			),
		).toEqual(["RangeError", O]);
		expect(
			errorOf(() => new KetamaRing(["a"], { defaultPort: 70000 })),
		).toEqual(["RangeError", O]);
		expect(errorOf(() => new KetamaRing([]).get("k"))).toEqual([
			"RangeError",
			HASH2_ERROR_CODES.EMPTY,
		]);
		expect(
			errorOf(() => new KetamaRing(["a"]).get(1 as unknown as string)),
		).toEqual(["TypeError", HASH2_ERROR_CODES.INVALID_KEY]);
	});

	it("shard function: prefix rings, 0/1 give 0, numShards validated", () => {
		const servers = ["a:1", "b:1", "c:1", "d:1"];
		const shardOf = createKetamaShardFunction(servers);
		const three = new KetamaRing(servers.slice(0, 3));
		for (let i = 0; i < 200; i++) {
			const k = `k${i}`;
			expect(servers[shardOf(k, 3)]).toBe(three.get(k));
			expect(shardOf(k, 0)).toBe(0);
			expect(shardOf(k, 1)).toBe(0);
		}
		for (const n of [-1, 5, 1.5, Number.NaN]) {
			expect(errorOf(() => shardOf("k", n))).toEqual([
				"RangeError",
				HASH2_ERROR_CODES.INVALID_NUM_SHARDS,
			]);
		}
	});
});
