import { HASH2_ERROR_CODES } from "./errors.js";
import { describe, typeError } from "./internal/errors.js";
import {
	MAX_UINT64,
	throwKey,
	throwNumShards,
	throwUint32,
} from "./internal/validate.js";
import { FNV_OUT, fnv1a64Halves } from "./key-hash.js";
import type { ShardFunction } from "./shard-function.js";

/** Largest bucket count of Jump Consistent Hash (the paper's `int32_t num_buckets`). */
export const MAX_JUMP_HASH_BUCKETS = 2147483647;

// The paper's LCG multiplier 2862933555777941757 = 0x27bb2ee687b0b0fd, in halves and in
// 16-bit limbs for the 32×32→64 product of the low words.
const M_HI = 0x27bb2ee6;
const M_LO = 0x87b0b0fd;
const M_LO0 = M_LO & 0xffff;
const M_LO1 = M_LO >>> 16;

const SPLIT_U64 = new BigUint64Array(1);
const SPLIT_U32 = new Uint32Array(SPLIT_U64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Jump Consistent Hash on a key given as uint32 halves; `numBuckets` already validated.
 * Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014), figure 1:
 *
 *     b = -1, j = 0
 *     while j < n: b = j; key = key * 2862933555777941757 + 1; j = (b + 1) * (2^31 / ((key >> 33) + 1))
 *
 * The 64-bit LCG step runs on two uint32 numbers — no bigint per step: the low product
 * `lo × M_LO` is split into 16-bit limbs so every partial product is exact in a double.
 */
function jumpCore(hi0: number, lo0: number, numBuckets: number): number {
	let hi = hi0;
	let lo = lo0;
	let b = -1;
	let j = 0;
	while (j < numBuckets) {
		b = j;
		// (hi:lo) = (hi:lo) * M + 1 mod 2^64
		const a0 = lo & 0xffff;
		const a1 = lo >>> 16;
		const p00 = a0 * M_LO0;
		const mid =
			(p00 >>> 16) + ((a0 * M_LO1) & 0xffff) + ((a1 * M_LO0) & 0xffff);
		const carryHi =
			a1 * M_LO1 +
			Math.floor((a0 * M_LO1) / 65536) +
			Math.floor((a1 * M_LO0) / 65536) +
			(mid >>> 16);
		const newLo = ((mid << 16) | (p00 & 0xffff)) >>> 0;
		let newHi = (carryHi + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
		lo = (newLo + 1) >>> 0;
		if (lo === 0) newHi = (newHi + 1) >>> 0;
		hi = newHi;
		// (key >> 33) + 1 = (hi >>> 1) + 1; double arithmetic as in the paper's C++
		j = Math.floor((b + 1) * (2147483648 / ((hi >>> 1) + 1)));
	}
	return b;
}

function checkBuckets(numBuckets: unknown): void {
	if (
		typeof numBuckets !== "number" ||
		!Number.isInteger(numBuckets) ||
		numBuckets < 0 ||
		numBuckets > MAX_JUMP_HASH_BUCKETS
	) {
		throwNumShards(numBuckets, MAX_JUMP_HASH_BUCKETS);
	}
}

/**
 * Jump Consistent Hash (Lamping & Veach 2014) of a uint64 key: a bucket in `[0, numBuckets)`,
 * bit-exact with the paper's C++ and the common ports (Guava uses a different generator;
 * dgryski/go-jump, the Rust `jumphash` crates and the paper's code agree with this).
 *
 * Growing n to n + 1 moves exactly the keys that land in the new bucket n (≈ 1/(n+1) of
 * them); buckets can only be added or removed at the end. O(ln n) steps, no memory.
 *
 * @param key - a `bigint` in `0..2^64−1` or a non-negative safe-integer `number`
 * @param numBuckets - an integer in `0..2^31−1`; 0 and 1 give 0 (the paper returns −1 for 0;
 *   we return 0 to keep the {@link ShardFunction} contract)
 * @returns the bucket index
 * @throws RangeError / TypeError `ERR_HASH2_INVALID_KEY`, `ERR_HASH2_INVALID_NUM_SHARDS`
 * @example
 * ```ts
 * jumpHash(256n, 1024); // 520
 * ```
 */
export function jumpHash(key: bigint | number, numBuckets: number): number {
	checkBuckets(numBuckets);
	let hi: number;
	let lo: number;
	if (typeof key === "number") {
		if (!(key >= 0 && Number.isSafeInteger(key))) throwKey(key);
		lo = key >>> 0;
		hi = (key - lo) / 4294967296;
	} else {
		if (typeof key !== "bigint" || key < 0n || key > MAX_UINT64) throwKey(key);
		SPLIT_U64[0] = key;
		hi = SPLIT_U32[LITTLE_ENDIAN ? 1 : 0] as number;
		lo = SPLIT_U32[LITTLE_ENDIAN ? 0 : 1] as number;
	}
	if (numBuckets < 2) return 0;
	return jumpCore(hi, lo, numBuckets);
}

/**
 * {@link jumpHash} with the 64-bit key as two uint32 halves (no bigint, no allocation).
 *
 * @param hi - high 32 bits of the key
 * @param lo - low 32 bits of the key
 * @param numBuckets - an integer in `0..2^31−1`; 0 and 1 give 0
 * @returns the bucket index
 * @throws RangeError / TypeError `ERR_HASH2_INVALID_UINT32`, `ERR_HASH2_INVALID_NUM_SHARDS`
 */
export function jumpHashHiLo(
	hi: number,
	lo: number,
	numBuckets: number,
): number {
	checkBuckets(numBuckets);
	if (typeof hi !== "number" || hi >>> 0 !== hi) throwUint32("hi", hi);
	if (typeof lo !== "number" || lo >>> 0 !== lo) throwUint32("lo", lo);
	if (numBuckets < 2) return 0;
	return jumpCore(hi, lo, numBuckets);
}

/**
 * Jump Consistent Hash as a {@link ShardFunction}: `jumpHash(hashKey64(key), numShards)`
 * (FNV-1a 64 of the key's UTF-8 bytes, then the paper's algorithm) — the same as
 * go-jump's `HashString(key, n, jump.NewFNV1a())`.
 *
 * @param key - the cache key
 * @param numShards - an integer in `0..2^31−1`; 0 and 1 give 0
 * @returns the shard index
 * @throws TypeError `ERR_HASH2_INVALID_KEY` when `key` is not a string
 * @throws RangeError / TypeError `ERR_HASH2_INVALID_NUM_SHARDS`
 */
export const jumpHashShardFunction: ShardFunction = (
	key: string,
	numShards: number,
): number => {
	checkBuckets(numShards);
	if (typeof key !== "string") {
		throw typeError(
			HASH2_ERROR_CODES.INVALID_KEY,
			`key must be a string, got ${describe(key)}`,
		);
	}
	if (numShards < 2) return 0;
	fnv1a64Halves(key);
	return jumpCore(FNV_OUT[0] as number, FNV_OUT[1] as number, numShards);
};
