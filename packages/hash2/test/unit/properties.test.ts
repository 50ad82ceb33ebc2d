import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	consistentHash,
	consistentHashHiLo,
	consistentHashShardFunction,
	createKetamaShardFunction,
	createWeightedRendezvousShardFunction,
	jumpHash,
	jumpHashShardFunction,
	rendezvousShardFunction,
	type ShardFunction,
} from "../../src/index.js";

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const servers = Array.from({ length: 40 }, (_, i) => `10.1.0.${i}:11211`);

/** ketama (as hashring/libketama) gives each server floor(1/n · 40 · n) hashes, which is 39
 * instead of 40 for some n (7, 14, 28, …): growing to such an n also drops points of the
 * existing servers, so monotonicity only holds when that count does not change. */
const ketamaHashes = (n: number): number => Math.floor((1 / n) * 40 * n);
const always = (): boolean => true;

const shardFunctions: [
	string,
	ShardFunction,
	number,
	(n: number) => boolean,
][] = [
	["consistentHashShardFunction", consistentHashShardFunction, 65535, always],
	["jumpHashShardFunction", jumpHashShardFunction, 100_000, always],
	["rendezvousShardFunction", rendezvousShardFunction, 300, always],
	[
		"createWeightedRendezvousShardFunction",
		createWeightedRendezvousShardFunction(
			Array.from({ length: 40 }, (_, i) => 1 + (i % 3)),
		),
		40,
		always,
	],
	[
		"createKetamaShardFunction",
		createKetamaShardFunction(servers),
		40,
		(n) => n < 1 || ketamaHashes(n) === ketamaHashes(n + 1),
	],
];

describe("properties of godropbox's consistentHash (fast-check)", () => {
	it("monotonicity: n → n+1 keeps the shard or moves the key to shard n", () => {
		fc.assert(
			fc.property(u64, fc.integer({ min: 0, max: 65534 }), (key, n) => {
				const a = consistentHash(key, n);
				const b = consistentHash(key, n + 1);
				return n < 1 ? b === 0 : b === a || b === n;
			}),
			{ numRuns: 300 },
		);
	});

	it("monotonicity along a whole growth path 1..300", () => {
		fc.assert(
			fc.property(u64, (key) => {
				let prev = consistentHash(key, 1);
				for (let n = 2; n <= 300; n++) {
					const cur = consistentHash(key, n);
					if (cur !== prev && cur !== n - 1) return false;
					prev = cur;
				}
				return true;
			}),
			{ numRuns: 100 },
		);
	});

	it("range, n = 0 and 1 give 0, entries agree", () => {
		fc.assert(
			fc.property(u64, fc.integer({ min: 0, max: 65535 }), (key, n) => {
				const r = consistentHash(key, n);
				const hi = Number(key >> 32n);
				const lo = Number(key & 0xffffffffn);
				if (consistentHashHiLo(hi, lo, n) !== r) return false;
				if (n < 2) return r === 0;
				return Number.isInteger(r) && r >= 0 && r < n;
			}),
			{ numRuns: 300 },
		);
	});

	it("fold collisions: keys with equal high XOR low map identically", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 0xffffffff }),
				fc.integer({ min: 0, max: 0xffffffff }),
				fc.integer({ min: 0, max: 0xffffffff }),
				fc.integer({ min: 2, max: 5000 }),
				(hi, lo, other, n) =>
					consistentHashHiLo(hi, lo, n) ===
					consistentHashHiLo(other, (hi ^ lo ^ other) >>> 0, n),
			),
			{ numRuns: 200 },
		);
	});
});

describe("jumpHash properties (fast-check)", () => {
	it("monotonicity and range", () => {
		fc.assert(
			fc.property(u64, fc.integer({ min: 0, max: 2 ** 31 - 2 }), (key, n) => {
				const a = jumpHash(key, n);
				const b = jumpHash(key, n + 1);
				if (n < 1) return a === 0 && b === 0;
				return b >= 0 && b <= n && (b === a || b === n);
			}),
			{ numRuns: 300 },
		);
	});
});

describe.each(shardFunctions)(
	"ShardFunction %s",
	(_name, shardOf, max, monotoneAt) => {
		it("n → n+1 moves a key only to shard n; range; 0 and 1 give 0", () => {
			fc.assert(
				fc.property(
					fc.string({ maxLength: 40 }),
					fc.integer({ min: 0, max: max - 1 }),
					(key, n) => {
						const a = shardOf(key, n);
						const b = shardOf(key, n + 1);
						if (n < 2 && a !== 0) return false;
						if (!(b >= 0 && b < Math.max(n + 1, 1))) return false;
						if (!monotoneAt(n)) return true;
						if (n + 1 < 2) return b === 0;
						if (!(Number.isInteger(b) && b >= 0 && b < n + 1)) return false;
						return b === a || b === n;
					},
				),
				{ numRuns: 150 },
			);
		});

		it("is deterministic and accepts any Unicode key", () => {
			fc.assert(
				fc.property(fc.string({ unit: "binary", maxLength: 30 }), (key) => {
					const n = Math.min(max, 37);
					const r = shardOf(key, n);
					return r === shardOf(key, n) && r >= 0 && r < n;
				}),
				{ numRuns: 100 },
			);
		});
	},
);

describe("ketama's rounding quirk (hashring / libketama behaviour, kept for compatibility)", () => {
	it("6 → 7 equal servers also moves keys between old servers", () => {
		expect(ketamaHashes(6)).toBe(40);
		expect(ketamaHashes(7)).toBe(39);
		const shardOf = createKetamaShardFunction(servers);
		let toNew = 0;
		let between = 0;
		for (let i = 0; i < 20_000; i++) {
			const k = `key:${i}`;
			const a = shardOf(k, 6);
			const b = shardOf(k, 7);
			if (b === 6) toNew++;
			else if (b !== a) between++;
		}
		expect(toNew).toBeGreaterThan(2000);
		expect(between).toBeGreaterThan(0);
	});
});
