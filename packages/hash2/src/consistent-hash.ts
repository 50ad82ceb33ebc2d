import { HASH2_ERROR_CODES } from "./errors.js";
import { describe, typeError } from "./internal/errors.js";
import { mix32 } from "./internal/mix32.js";
import {
	MAX_CONSISTENT_HASH_SHARDS,
	MAX_UINT64,
	throwKey,
	throwNumShards,
	throwUint32,
} from "./internal/validate.js";
import { FNV_OUT, fnv1a64Halves } from "./key-hash.js";
import type { ShardFunction } from "./shard-function.js";

// Splitting a bigint through a shared BigUint64Array view allocates nothing and measured
// ~4× faster than `Number(BigInt.asUintN(32, key))` + `Number(key >> 32n)` on Node 20.
// The XOR fold does not depend on the platform's byte order.
const SPLIT_U64 = new BigUint64Array(1);
const SPLIT_U32 = new Uint32Array(SPLIT_U64.buffer);

// The murmur constants are written as literals in the loops below, not as module constants:
// TurboFan does not treat a module-level `const` as a compile-time constant in a normally
// (non-OSR) optimized function, so `Math.imul(h, C1)` loaded C1 as a heap number and converted
// it every round, and `+ ADD` became a float add (seen with --print-opt-code). With literals
// every step is one x64 instruction (`imul r, r, imm`, `ror`, `lea`).

/** Pairs of shards (ids 0..32767) whose modulus the fast loops reduce without division. */
const FAST_PAIRS = 16384;
/**
 * Pairs (shards 0..7) scanned without branches. A new smallest position is likely among the
 * first shards (probability 1/(id+1)), so a branch there mispredicts often; later it is rarely
 * taken and a branch is cheaper than the extra arithmetic. 4 measured best of 2, 4 and 8.
 */
const BRANCHLESS_PAIRS = 4;

/**
 * The godropbox algorithm on a key already folded to 32 bits; `numShards` already validated.
 * godropbox: hash2/consistent_hash.go `ConsistentHash`. The plain version is
 * `internal/consistent-hash-reference.ts`; this one must return exactly the same.
 *
 * Each round runs the seed-12345 murmur mixer (`mix32`, inlined here for speed) once and
 * gives its low 16 bits to shard 2i and its high 16 bits to shard 2i+1; a shard's position is
 * `half mod (65535 − shard)` and the smallest position wins (ties keep the lower shard).
 *
 * Speed-ups, all bit-exact:
 * - For shard ids ≤ 32767 the modulus m = 65535 − shard is ≥ 32768 and a 16-bit half is
 *   < 2m, so `half mod m` is `half ≥ m ? half − m : half` — no division. Shards
 *   32768..65534 use `%` ({@link consistentHashSlowTail}).
 * - The rounds form one dependency chain (each needs the previous hash), so its latency is the
 *   speed limit: `(y ^ 4) ^ (y >>> 16)` lets the shift and the `^ 4` run in parallel, one
 *   cycle shorter than `y ^= 4; y ^= y >>> 16`.
 * - The first {@link BRANCHLESS_PAIRS} pairs update the minimum with masks instead of
 *   branches (see there).
 * - godropbox returns early when a position is 0; the fast loops do not: a position of 0 is
 *   the smallest possible and later shards only replace a strictly smaller one, so the result
 *   is the same, and the loop has one branch less.
 */
function consistentHashCore(folded: number, numShards: number): number {
	if (numShards < 2) return 0;
	let h = folded | 0;
	let best = 0;
	let minPos = 65535;
	const pairs = numShards >>> 1;
	const fastPairs = Math.min(pairs, FAST_PAIRS);
	const firstPairs = Math.min(fastPairs, BRANCHLESS_PAIRS);
	let shard = 0;
	let i = 0;
	for (; i < firstPairs; i++) {
		// mix32(h), inlined (see internal/mix32.ts for the commented version)
		let k = Math.imul(h, 0xcc9e2d51);
		k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
		h = 12345 ^ k;
		h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
		h = Math.imul((h >>> 16) ^ (h ^ 4), 0x85ebca6b);
		h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
		h ^= h >>> 16;

		// d = position − minPos; mask = −1 when d < 0 (a new minimum), else 0
		const m = 65535 - shard;
		let d = (h & 0xffff) - m;
		d = d + (m & (d >> 31)) - minPos;
		let mask = d >> 31;
		minPos = (minPos + (d & mask)) | 0;
		best ^= (best ^ shard) & mask;
		d = (h >>> 16) - (m - 1);
		d = d + ((m - 1) & (d >> 31)) - minPos;
		mask = d >> 31;
		minPos = (minPos + (d & mask)) | 0;
		best ^= (best ^ (shard + 1)) & mask;
		shard = (shard + 2) | 0;
	}
	for (; i < fastPairs; i++) {
		let k = Math.imul(h, 0xcc9e2d51);
		k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
		h = 12345 ^ k;
		h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
		h = Math.imul((h >>> 16) ^ (h ^ 4), 0x85ebca6b);
		h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
		h ^= h >>> 16;

		let m = 65535 - shard;
		let pos = h & 0xffff;
		if (pos >= m) pos -= m;
		if (pos < minPos) {
			best = shard;
			minPos = pos;
		}
		m -= 1;
		pos = h >>> 16;
		if (pos >= m) pos -= m;
		if (pos < minPos) {
			best = shard + 1;
			minPos = pos;
		}
		shard += 2;
	}
	if (pairs !== fastPairs) {
		return consistentHashSlowTail(h, best, minPos, pairs, numShards);
	}
	if ((numShards & 1) === 1) {
		// the last, odd shard: its id is ≤ 32766 here, so the fast reduction applies
		const half = mix32(h) & 0xffff;
		const m = 65535 - shard;
		if ((half >= m ? half - m : half) < minPos) best = shard;
	}
	return best;
}

/**
 * Shards 32768..numShards−1 (only when numShards > 32769), with `%` and godropbox's early
 * return; continues the chain from `h` after the first {@link FAST_PAIRS} pairs.
 */
function consistentHashSlowTail(
	h: number,
	best: number,
	minPos: number,
	pairs: number,
	numShards: number,
): number {
	let shard = FAST_PAIRS * 2;
	for (let i = FAST_PAIRS; i < pairs; i++) {
		h = mix32(h);
		let pos = (h & 0xffff) % (65535 - shard);
		if (pos < minPos) {
			best = shard;
			if (pos === 0) return best;
			minPos = pos;
		}
		pos = (h >>> 16) % (65534 - shard);
		if (pos < minPos) {
			best = shard + 1;
			if (pos === 0) return best;
			minPos = pos;
		}
		shard += 2;
	}
	if ((numShards & 1) === 1) {
		if ((mix32(h) & 0xffff) % (65535 - shard) < minPos) best = shard;
	}
	return best;
}

/**
 * godropbox's `ConsistentHash`, bit-exact: maps a uint64 key to a shard in `[0, numShards)`.
 *
 * Consistent: growing the shard count from n to n + 1 either keeps a key's shard or moves the
 * key to the new shard n, so about 1/(n+1) of the keys move. The 64-bit key is first folded to
 * 32 bits (`high32 XOR low32`), so keys with equal folds always share a shard; and the
 * distribution leans away from low shard ids at large n (see the README's "Known properties").
 *
 * Hot paths should call {@link consistentHashHiLo} or {@link consistentHashFolded}: splitting a
 * `bigint` costs more than the hash itself at small shard counts.
 *
 * @param key - a `bigint` in `0..2^64−1`, or a `number` that is a non-negative safe integer
 * @param numShards - an integer in `0..65535` (Go's `uint16`); 0 and 1 give 0
 * @returns the shard index
 * @throws RangeError `ERR_HASH2_INVALID_KEY` for a negative key, a key ≥ 2^64, or a `number`
 *   that is not a safe integer; TypeError `ERR_HASH2_INVALID_KEY` for any other type
 * @throws RangeError `ERR_HASH2_INVALID_NUM_SHARDS` when `numShards` is not an integer in
 *   `0..65535` (Go would silently truncate a larger int to uint16; we refuse);
 *   TypeError with the same code when it is not a number
 * @example
 * ```ts
 * consistentHash(0n, 5); // 4, as godropbox's own unit test expects
 * consistentHash(18446744073709551615n, 1000); // 778
 * ```
 */
export function consistentHash(
	key: bigint | number,
	numShards: number,
): number {
	if (typeof numShards !== "number" || (numShards & 0xffff) !== numShards) {
		throwNumShards(numShards, MAX_CONSISTENT_HASH_SHARDS);
	}
	let folded: number;
	if (typeof key === "number") {
		if (!(key >= 0 && Number.isSafeInteger(key))) throwKey(key);
		const lo = key >>> 0;
		folded = (((key - lo) / 4294967296) ^ lo) >>> 0;
	} else {
		if (typeof key !== "bigint" || key < 0n || key > MAX_UINT64) throwKey(key);
		SPLIT_U64[0] = key;
		folded = ((SPLIT_U32[0] as number) ^ (SPLIT_U32[1] as number)) >>> 0;
	}
	return consistentHashCore(folded, numShards);
}

/**
 * {@link consistentHash} with the 64-bit key given as two uint32 halves — the hot-path entry.
 *
 * `consistentHashHiLo(hi, lo, n) === consistentHash((BigInt(hi) << 32n) | BigInt(lo), n)`.
 * No bigint work and no allocation. To shard string keys, hash them to 64 bits first; the
 * package's documented choice is FNV-1a 64 over UTF-8 ({@link hashKey64}), and
 * {@link consistentHashShardFunction} does it all in one call.
 *
 * @param hi - the key's high 32 bits, an integer in `0..2^32−1`
 * @param lo - the key's low 32 bits, an integer in `0..2^32−1`
 * @param numShards - an integer in `0..65535`; 0 and 1 give 0
 * @returns the shard index in `[0, numShards)`
 * @throws RangeError / TypeError `ERR_HASH2_INVALID_UINT32` when `hi` or `lo` is not a uint32
 * @throws RangeError / TypeError `ERR_HASH2_INVALID_NUM_SHARDS` as {@link consistentHash}
 * @example
 * ```ts
 * consistentHashHiLo(0xffffffff, 0xffffffff, 1000); // 778, same as consistentHash(2n ** 64n - 1n, 1000)
 * ```
 */
export function consistentHashHiLo(
	hi: number,
	lo: number,
	numShards: number,
): number {
	if (typeof numShards !== "number" || (numShards & 0xffff) !== numShards) {
		throwNumShards(numShards, MAX_CONSISTENT_HASH_SHARDS);
	}
	if (typeof hi !== "number" || hi >>> 0 !== hi) throwUint32("hi", hi);
	if (typeof lo !== "number" || lo >>> 0 !== lo) throwUint32("lo", lo);
	return consistentHashCore((hi ^ lo) >>> 0, numShards);
}

/**
 * {@link consistentHash} on a key already folded to 32 bits (`(hi ^ lo) >>> 0`), which is all
 * godropbox's algorithm ever reads of the key.
 *
 * @param folded - `(high32 XOR low32) >>> 0` of the 64-bit key, an integer in `0..2^32−1`
 * @param numShards - an integer in `0..65535`; 0 and 1 give 0
 * @returns the shard index in `[0, numShards)`
 * @throws RangeError / TypeError `ERR_HASH2_INVALID_UINT32` when `folded` is not a uint32
 * @throws RangeError / TypeError `ERR_HASH2_INVALID_NUM_SHARDS` as {@link consistentHash}
 */
export function consistentHashFolded(
	folded: number,
	numShards: number,
): number {
	if (typeof numShards !== "number" || (numShards & 0xffff) !== numShards) {
		throwNumShards(numShards, MAX_CONSISTENT_HASH_SHARDS);
	}
	if (typeof folded !== "number" || folded >>> 0 !== folded)
		throwUint32("folded", folded);
	return consistentHashCore(folded, numShards);
}

/**
 * The ready-made godropbox {@link ShardFunction}: `consistentHash(hashKey64(key), numShards)`,
 * i.e. FNV-1a 64 of the key's UTF-8 bytes fed to godropbox's consistent hash.
 *
 * A Go service running godropbox's `ConsistentHash(fnv1a64(key), n)` (with `hash/fnv`'s
 * `New64a`) picks the same shard. Allocation-free for ASCII keys.
 *
 * @param key - the cache key
 * @param numShards - an integer in `0..65535`; 0 and 1 give 0
 * @returns the shard index in `[0, numShards)`
 * @throws TypeError `ERR_HASH2_INVALID_KEY` when `key` is not a string
 * @throws RangeError / TypeError `ERR_HASH2_INVALID_NUM_SHARDS` as {@link consistentHash}
 * @example
 * ```ts
 * const shard = consistentHashShardFunction("user:42", 10);
 * ```
 */
export const consistentHashShardFunction: ShardFunction = (
	key: string,
	numShards: number,
): number => {
	if (typeof numShards !== "number" || (numShards & 0xffff) !== numShards) {
		throwNumShards(numShards, MAX_CONSISTENT_HASH_SHARDS);
	}
	if (typeof key !== "string") {
		throw typeError(
			HASH2_ERROR_CODES.INVALID_KEY,
			`key must be a string, got ${describe(key)}`,
		);
	}
	if (numShards < 2) return 0;
	fnv1a64Halves(key);
	return consistentHashCore(
		((FNV_OUT[0] as number) ^ (FNV_OUT[1] as number)) >>> 0,
		numShards,
	);
};

export { MAX_CONSISTENT_HASH_SHARDS };
