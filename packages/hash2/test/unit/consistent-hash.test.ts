import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
	consistentHash,
	consistentHashFolded,
	consistentHashHiLo,
	consistentHashShardFunction,
	HASH2_ERROR_CODES,
	hashKey64,
	hashKey64Folded,
} from "../../src/index.js";
import { consistentHashReference } from "../../src/internal/consistent-hash-reference.js";
import { mix32 } from "../../src/internal/mix32.js";

interface Vector {
	readonly key: string;
	readonly shards: number;
	readonly expect: number;
}

const vectors = JSON.parse(
	readFileSync(
		new URL("../fixtures/hash2-consistent-hash.json", import.meta.url),
		"utf8",
	),
) as Vector[];

const split = (key: bigint): [number, number] => [
	Number(key >> 32n),
	Number(key & 0xffffffffn),
];

describe("consistentHash: godropbox vectors", () => {
	it("has the 300 public vectors", () => {
		expect(vectors).toHaveLength(300);
	});

	it("matches every vector through all entries", () => {
		let checked = 0;
		for (const v of vectors) {
			const key = BigInt(v.key);
			const [hi, lo] = split(key);
			expect(consistentHash(key, v.shards), `${v.key}/${v.shards}`).toBe(
				v.expect,
			);
			expect(consistentHashHiLo(hi, lo, v.shards)).toBe(v.expect);
			expect(consistentHashFolded((hi ^ lo) >>> 0, v.shards)).toBe(v.expect);
			if (key <= BigInt(Number.MAX_SAFE_INTEGER)) {
				expect(consistentHash(Number(key), v.shards)).toBe(v.expect);
			}
			checked++;
		}
		expect(checked).toBe(300);
	});

	it("passes godropbox's own unit tests", () => {
		expect(consistentHash(0n, 5)).toBe(4);
		expect(consistentHash(0n, 1)).toBe(0);
	});

	it("matches the spec's reference table", () => {
		const counts = [2, 3, 4, 5, 10, 100, 1000, 65535];
		const table: [bigint, number[]][] = [
			[0n, [1, 1, 1, 4, 6, 88, 778, 53941]],
			[42n, [1, 1, 3, 3, 9, 9, 135, 135]],
			[2n ** 64n - 1n, [1, 1, 1, 4, 6, 88, 778, 53941]],
			[2n ** 53n + 1n, [0, 0, 0, 4, 6, 88, 214, 59376]],
			[2n ** 32n + 1n, [1, 1, 1, 4, 6, 88, 778, 53941]],
			[0x0123456789abcdefn, [1, 1, 3, 4, 7, 38, 541, 24947]],
		];
		for (const [key, expected] of table) {
			expect(counts.map((n) => consistentHash(key, n))).toEqual(expected);
		}
	});
});

describe("optimized hot path vs the plain reference", () => {
	// Seeded so a failure can be replayed: HASH2_SEED=<printed seed> npx vitest run …
	const seed =
		Number(process.env.HASH2_SEED ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
	console.log(`consistent-hash randomized test seed: ${seed}`);
	/** mulberry32: a small, seedable uint32 generator. */
	let state = seed;
	const nextU32 = (): number => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), state | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return (t ^ (t >>> 14)) >>> 0;
	};

	it("agrees on the vectors (the reference itself is right)", () => {
		for (const v of vectors) {
			const key = BigInt(v.key);
			const [hi, lo] = split(key);
			expect(consistentHashReference((hi ^ lo) >>> 0, v.shards)).toBe(v.expect);
		}
	});

	it("agrees on 200,000 random (key, numShards) pairs", {
		timeout: 60_000,
	}, () => {
		// numShards: 0..40 densely (the branchless/branchy switch at 8, the odd last shard),
		// typical counts up to 1,100, and a few around 32,768 and up to 65,535 (slow tail).
		let checked = 0;
		for (let i = 0; i < 200_000; i++) {
			const hi = nextU32();
			const lo = nextU32();
			const r = nextU32();
			const n =
				i % 500 === 0
					? r & 0xffff
					: i % 500 === 250
						? 32_760 + (r % 20)
						: i % 2 === 0
							? r % 41
							: r % 1_100;
			const want = consistentHashReference((hi ^ lo) >>> 0, n);
			const got = consistentHashHiLo(hi, lo, n);
			if (got !== want) {
				expect({ seed, hi, lo, n, got }).toEqual({
					seed,
					hi,
					lo,
					n,
					got: want,
				});
			}
			checked++;
		}
		expect(checked).toBe(200_000);
	});
});

describe("mix32 (godropbox simpleMurmur32)", () => {
	it("matches the spec's sample table", () => {
		const samples: [number, number][] = [
			[0x00000000, 0x69626b87],
			[0x00000001, 0x3f421233],
			[0x00000002, 0x528c0ada],
			[0x00003039, 0x81636013],
			[0x7fffffff, 0xf44436b4],
			[0x80000000, 0x2a7714f4],
			[0xffffffff, 0x0e7cee27],
			[0xdeadbeef, 0x2f9ff0ae],
		];
		for (const [v, want] of samples) expect(mix32(v)).toBe(want);
	});
});

describe("hashKey64 (FNV-1a 64 over UTF-8)", () => {
	it("matches the published FNV-1a 64 test values", () => {
		expect(hashKey64("")).toBe(0xcbf29ce484222325n);
		expect(hashKey64("a")).toBe(0xaf63dc4c8601ec8cn);
		expect(hashKey64("foobar")).toBe(0x85944171f73967e8n);
	});

	it("hashes strings as their UTF-8 bytes", () => {
		const enc = new TextEncoder();
		for (const s of [
			"é",
			"ab€cd",
			"x\u{1f600}y",
			"\ud800",
			"k\udc00z",
			"日本語キー",
		]) {
			expect(hashKey64(s), s).toBe(hashKey64(enc.encode(s)));
		}
	});

	it("rejects keys that are neither strings nor bytes", () => {
		for (const bad of [5, null, undefined, {}, 5n]) {
			let caught: unknown;
			try {
				hashKey64(bad as unknown as string);
			} catch (err) {
				caught = err;
			}
			expect(caught).toBeInstanceOf(TypeError);
			expect((caught as { code?: string }).code).toBe(
				HASH2_ERROR_CODES.INVALID_KEY,
			);
		}
		expect(() => hashKey64Folded(7 as unknown as string)).toThrow(TypeError);
	});

	it("folds as high XOR low", () => {
		const h = hashKey64("user:42");
		expect(hashKey64Folded("user:42")).toBe(
			Number((h >> 32n) ^ (h & 0xffffffffn)),
		);
	});

	it("consistentHashShardFunction is consistentHash(hashKey64(key))", () => {
		for (const key of ["", "a", "user:42", "ключ", "x".repeat(300)]) {
			for (const n of [0, 1, 2, 7, 10, 100, 1000, 65535]) {
				expect(consistentHashShardFunction(key, n)).toBe(
					consistentHash(hashKey64(key), n),
				);
			}
		}
	});
});

describe("input validation", () => {
	const code = (fn: () => unknown): unknown => {
		try {
			fn();
		} catch (err) {
			return [
				(err as Error).constructor.name,
				(err as { code?: unknown }).code,
			];
		}
		return "no throw";
	};
	const K = HASH2_ERROR_CODES.INVALID_KEY;
	const N = HASH2_ERROR_CODES.INVALID_NUM_SHARDS;
	const U = HASH2_ERROR_CODES.INVALID_UINT32;

	it("rejects bad numShards in every entry", () => {
		for (const n of [
			-1,
			65536,
			1.5,
			Number.NaN,
			Number.POSITIVE_INFINITY,
			2 ** 32,
		]) {
			expect(code(() => consistentHash(1n, n))).toEqual(["RangeError", N]);
			expect(code(() => consistentHashHiLo(0, 1, n))).toEqual([
				"RangeError",
				N,
			]);
			expect(code(() => consistentHashFolded(1, n))).toEqual(["RangeError", N]);
			expect(code(() => consistentHashShardFunction("k", n))).toEqual([
				"RangeError",
				N,
			]);
		}
		expect(code(() => consistentHash(1n, "5" as unknown as number))).toEqual([
			"TypeError",
			N,
		]);
		expect(code(() => consistentHash(1n, 5n as unknown as number))).toEqual([
			"TypeError",
			N,
		]);
	});

	it("rejects keys outside uint64", () => {
		expect(code(() => consistentHash(-1n, 5))).toEqual(["RangeError", K]);
		expect(code(() => consistentHash(2n ** 64n, 5))).toEqual(["RangeError", K]);
		expect(code(() => consistentHash(-1, 5))).toEqual(["RangeError", K]);
		expect(code(() => consistentHash(1.5, 5))).toEqual(["RangeError", K]);
		expect(code(() => consistentHash(2 ** 53, 5))).toEqual(["RangeError", K]);
		expect(code(() => consistentHash(Number.NaN, 5))).toEqual([
			"RangeError",
			K,
		]);
		expect(code(() => consistentHash("1" as unknown as bigint, 5))).toEqual([
			"TypeError",
			K,
		]);
		expect(
			code(() => consistentHashShardFunction(1 as unknown as string, 5)),
		).toEqual(["TypeError", K]);
		// boundaries are accepted
		expect(consistentHash(2n ** 64n - 1n, 5)).toBe(4);
		expect(consistentHash(Number.MAX_SAFE_INTEGER, 5)).toBe(
			consistentHash(BigInt(Number.MAX_SAFE_INTEGER), 5),
		);
	});

	it("rejects halves that are not uint32", () => {
		for (const bad of [-1, 2 ** 32, 0.5, Number.NaN]) {
			expect(code(() => consistentHashHiLo(bad, 0, 5))).toEqual([
				"RangeError",
				U,
			]);
			expect(code(() => consistentHashHiLo(0, bad, 5))).toEqual([
				"RangeError",
				U,
			]);
			expect(code(() => consistentHashFolded(bad, 5))).toEqual([
				"RangeError",
				U,
			]);
		}
		expect(
			code(() => consistentHashHiLo("1" as unknown as number, 0, 5)),
		).toEqual(["TypeError", U]);
	});

	it("validates numShards even when it would return 0", () => {
		expect(code(() => consistentHash(-1n, 0))).toEqual(["RangeError", K]);
		expect(consistentHash(2n ** 64n - 1n, 0)).toBe(0);
		expect(consistentHash(2n ** 64n - 1n, 1)).toBe(0);
	});
});
