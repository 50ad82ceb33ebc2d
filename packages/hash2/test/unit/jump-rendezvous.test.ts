import { describe, expect, it } from "vitest";
import {
	createWeightedRendezvousShardFunction,
	HASH2_ERROR_CODES,
	hashKey64,
	jumpHash,
	jumpHashHiLo,
	jumpHashShardFunction,
	rendezvousShardFunction,
	WeightedRendezvous,
} from "../../src/index.js";

const errorOf = (fn: () => unknown): unknown => {
	try {
		fn();
	} catch (err) {
		return [(err as Error).constructor.name, (err as { code?: unknown }).code];
	}
	return "no throw";
};

/** The paper's C++ transliterated with bigint: the oracle. */
function paperJump(key0: bigint, n: number): number {
	let key = key0;
	let b = -1n;
	let j = 0n;
	while (j < BigInt(n)) {
		b = j;
		key = (key * 2862933555777941757n + 1n) & 0xffffffffffffffffn;
		j = BigInt(
			Math.floor(
				Number(b + 1n) * (Number(1n << 31n) / Number((key >> 33n) + 1n)),
			),
		);
	}
	return Number(b);
}

describe("jumpHash (Lamping & Veach)", () => {
	it("matches the published reference values", () => {
		// as in dgryski/go-jump and other ports of the paper's code
		expect(jumpHash(1n, 1)).toBe(0);
		expect(jumpHash(42n, 57)).toBe(43);
		expect(jumpHash(0xdead10ccn, 1)).toBe(0);
		expect(jumpHash(0xdead10ccn, 666)).toBe(361);
		expect(jumpHash(256n, 1024)).toBe(520);
		expect(jumpHash(256, 1024)).toBe(520);
	});

	it("equals the paper's algorithm (bigint oracle) on 3000 pseudo-random keys", () => {
		let x = 0x9e3779b97f4a7c15n;
		for (let i = 0; i < 3000; i++) {
			x ^= (x << 13n) & 0xffffffffffffffffn;
			x ^= x >> 7n;
			x ^= (x << 17n) & 0xffffffffffffffffn;
			const n = 1 + Number(x % (i % 3 === 0 ? 2147483647n : 5000n));
			const want = paperJump(x, n);
			expect(jumpHash(x, n)).toBe(want);
			expect(jumpHashHiLo(Number(x >> 32n), Number(x & 0xffffffffn), n)).toBe(
				want,
			);
		}
		expect(jumpHash(2n ** 64n - 1n, 1000)).toBe(
			paperJump(2n ** 64n - 1n, 1000),
		);
	});

	it("shard function hashes with FNV-1a 64 first", () => {
		for (const k of ["", "localhost", "中国", "user:42"]) {
			expect(jumpHashShardFunction(k, 10)).toBe(jumpHash(hashKey64(k), 10));
		}
	});

	it("validates", () => {
		const N = HASH2_ERROR_CODES.INVALID_NUM_SHARDS;
		expect(errorOf(() => jumpHash(1n, -1))).toEqual(["RangeError", N]);
		expect(errorOf(() => jumpHash(1n, 2 ** 31))).toEqual(["RangeError", N]);
		expect(errorOf(() => jumpHash(1n, 0.5))).toEqual(["RangeError", N]);
		expect(errorOf(() => jumpHash(-1n, 5))).toEqual([
			"RangeError",
			HASH2_ERROR_CODES.INVALID_KEY,
		]);
		expect(errorOf(() => jumpHash(2 ** 53, 5))).toEqual([
			"RangeError",
			HASH2_ERROR_CODES.INVALID_KEY,
		]);
		expect(errorOf(() => jumpHashHiLo(-1, 0, 5))).toEqual([
			"RangeError",
			HASH2_ERROR_CODES.INVALID_UINT32,
		]);
		expect(
			errorOf(() => jumpHashShardFunction(5 as unknown as string, 5)),
		).toEqual(["TypeError", HASH2_ERROR_CODES.INVALID_KEY]);
		expect(jumpHash(2n ** 64n - 1n, 0)).toBe(0);
		expect(jumpHash(2n ** 64n - 1n, 1)).toBe(0);
		expect(jumpHash(1n, 2 ** 31 - 1)).toBe(paperJump(1n, 2 ** 31 - 1));
	});
});

describe("rendezvous hashing", () => {
	const keys = Array.from({ length: 6000 }, (_, i) => `obj:${i}`);

	it("unweighted: equal shares, removal of any shard moves only its keys", () => {
		const counts = new Array<number>(6).fill(0);
		for (const k of keys) counts[rendezvousShardFunction(k, 6)]++;
		for (const c of counts) {
			expect(c).toBeGreaterThan(850);
			expect(c).toBeLessThan(1150);
		}
		// remove shard 2 from a named set: only keys of "n2" move
		const set = new WeightedRendezvous(["n0", "n1", "n2", "n3"]);
		const before = keys.map((k) => set.get(k));
		expect(set.remove("n2")).toBe(true);
		keys.forEach((k, i) => {
			if (before[i] !== "n2") expect(set.get(k)).toBe(before[i]);
			else expect(set.get(k)).not.toBe("n2");
		});
	});

	it("weighted: shares follow the weights; equal weights equal the unweighted function", () => {
		const shardOf = createWeightedRendezvousShardFunction([1, 1, 2, 4]);
		const counts = new Array<number>(4).fill(0);
		for (const k of keys) counts[shardOf(k, 4)]++;
		const share = counts.map((c) => c / keys.length);
		expect(share[0]).toBeCloseTo(1 / 8, 1);
		expect(share[2]).toBeCloseTo(2 / 8, 1);
		expect(share[3]).toBeCloseTo(4 / 8, 1);
		const equal = createWeightedRendezvousShardFunction([3, 3, 3, 3, 3]);
		for (const k of keys.slice(0, 1000)) {
			expect(equal(k, 5)).toBe(rendezvousShardFunction(k, 5));
			expect(equal(k, 3)).toBe(rendezvousShardFunction(k, 3));
		}
	});

	it("weighted: raising one weight only moves keys to that shard", () => {
		const a = createWeightedRendezvousShardFunction([1, 1, 1]);
		const b = createWeightedRendezvousShardFunction([1, 3, 1]);
		let moved = 0;
		for (const k of keys) {
			const x = a(k, 3);
			const y = b(k, 3);
			if (x !== y) {
				expect(y).toBe(1);
				moved++;
			}
		}
		expect(moved).toBeGreaterThan(1000);
	});

	it("node set: order-independent, weights, add/remove, errors", () => {
		const a = new WeightedRendezvous([{ id: "x", weight: 2 }, "y", "z"]);
		const b = new WeightedRendezvous(["z", "y", { id: "x", weight: 2 }]);
		for (const k of keys.slice(0, 500)) expect(a.get(k)).toBe(b.get(k));
		expect(a.nodes).toEqual([
			{ id: "x", weight: 2 },
			{ id: "y", weight: 1 },
			{ id: "z", weight: 1 },
		]);
		a.add({ id: "y", weight: 5 });
		expect(a.nodes[1]).toEqual({ id: "y", weight: 5 });
		a.add("w");
		expect(a.nodes).toHaveLength(4);
		expect(a.remove("nope")).toBe(false);
		expect(errorOf(() => new WeightedRendezvous([]).get("k"))).toEqual([
			"RangeError",
			HASH2_ERROR_CODES.EMPTY,
		]);
		expect(errorOf(() => new WeightedRendezvous(["a", "a"]))).toEqual([
			"RangeError",
			HASH2_ERROR_CODES.INVALID_NODE,
		]);
		expect(errorOf(() => new WeightedRendezvous([""]))).toEqual([
			"TypeError",
			HASH2_ERROR_CODES.INVALID_NODE,
		]);
		expect(
			errorOf(() => new WeightedRendezvous([{ id: "a", weight: 0 }])),
		).toEqual(["RangeError", HASH2_ERROR_CODES.INVALID_WEIGHT]);
		expect(
			errorOf(() => createWeightedRendezvousShardFunction([1, -2])),
		).toEqual(["RangeError", HASH2_ERROR_CODES.INVALID_WEIGHT]);
		expect(
			errorOf(() =>
				createWeightedRendezvousShardFunction("1" as unknown as number[]),
			),
		).toEqual(["TypeError", HASH2_ERROR_CODES.INVALID_OPTION]);
		expect(
			errorOf(() => createWeightedRendezvousShardFunction([1, 2])("k", 3)),
		).toEqual(["RangeError", HASH2_ERROR_CODES.INVALID_NUM_SHARDS]);
		expect(errorOf(() => rendezvousShardFunction("k", 65536))).toEqual([
			"RangeError",
			HASH2_ERROR_CODES.INVALID_NUM_SHARDS,
		]);
	});
});
