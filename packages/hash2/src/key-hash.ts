import { HASH2_ERROR_CODES } from "./errors.js";
import { describe, typeError } from "./internal/errors.js";

const encoder = new TextEncoder();

/** FNV-1a 64 offset basis 0xcbf29ce484222325, split into 32-bit halves. */
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;

/**
 * @internal Scratch output of {@link fnv1a64Halves}: `[hi, lo]` of the last hash computed.
 * Written and read synchronously, so sharing it is safe in single-threaded JS.
 */
export const FNV_OUT = new Uint32Array(2);

/**
 * @internal FNV-1a 64 of `bytes[start..]` continuing from `(hi, lo)`; writes `FNV_OUT`.
 *
 * 64-bit multiply by the FNV prime 2^40 + 0x1b3 done in 32-bit halves:
 * `lo * 0x1b3` is below 2^41 so it is exact in a double; its upper part is the carry into
 * `hi`, and the `2^40` term adds `lo << 8` to `hi`.
 */
function fnvBytes(
	bytes: Uint8Array,
	start: number,
	hi0: number,
	lo0: number,
): void {
	let hi = hi0;
	let lo = lo0;
	for (let i = start; i < bytes.length; i++) {
		lo = (lo ^ (bytes[i] as number)) >>> 0;
		const p = lo * 0x1b3;
		const nlo = p >>> 0;
		hi = (Math.imul(hi, 0x1b3) + (p - nlo) / 4294967296 + (lo << 8)) >>> 0;
		lo = nlo;
	}
	FNV_OUT[0] = hi;
	FNV_OUT[1] = lo;
}

/**
 * @internal FNV-1a 64 of the UTF-8 bytes of `key` (or of the bytes themselves); writes
 * `[hi, lo]` to `FNV_OUT`. ASCII strings are hashed without allocating; the first non-ASCII
 * code unit switches to `TextEncoder` (which also maps lone surrogates to U+FFFD, as every
 * UTF-8 encoder that follows the WHATWG Encoding standard does).
 */
export function fnv1a64Halves(key: string | Uint8Array): void {
	if (typeof key !== "string") {
		if (!(key instanceof Uint8Array)) {
			throw typeError(
				HASH2_ERROR_CODES.INVALID_KEY,
				`key must be a string or a Uint8Array, got ${describe(key)}`,
			);
		}
		fnvBytes(key, 0, OFFSET_HI, OFFSET_LO);
		return;
	}
	let hi = OFFSET_HI;
	let lo = OFFSET_LO;
	const len = key.length;
	for (let i = 0; i < len; i++) {
		const c = key.charCodeAt(i);
		if (c >= 0x80) {
			// Rare path: re-hash the non-ASCII remainder as UTF-8 bytes.
			fnvBytes(encoder.encode(key.slice(i)), 0, hi, lo);
			return;
		}
		lo = (lo ^ c) >>> 0;
		const p = lo * 0x1b3;
		const nlo = p >>> 0;
		hi = (Math.imul(hi, 0x1b3) + (p - nlo) / 4294967296 + (lo << 8)) >>> 0;
		lo = nlo;
	}
	FNV_OUT[0] = hi;
	FNV_OUT[1] = lo;
}

/**
 * The documented 64-bit hash of a string key: FNV-1a 64 over the key's UTF-8 bytes.
 *
 * FNV-1a 64 (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`; see
 * http://www.isthe.com/chongo/tech/comp/fnv/) is available in every language's standard
 * library or a few lines of code, so another service can compute the same 64-bit key and
 * feed it to godropbox's `ConsistentHash`. Strings are encoded as UTF-8 (lone surrogates
 * become U+FFFD, as `TextEncoder` does). {@link consistentHashShardFunction} is
 * `consistentHash(hashKey64(key), numShards)`.
 *
 * Allocates a `bigint`; in hot paths use {@link hashKey64Folded} with
 * {@link consistentHashFolded} instead, which allocate nothing for ASCII keys.
 *
 * @param key - a string (hashed as UTF-8) or raw bytes
 * @returns the 64-bit hash as a `bigint` in `0..2^64−1`
 * @throws TypeError `ERR_HASH2_INVALID_KEY` when `key` is neither a string nor a `Uint8Array`
 * @example
 * ```ts
 * hashKey64("foobar"); // 0x85944171f73967e8n
 * ```
 */
export function hashKey64(key: string | Uint8Array): bigint {
	fnv1a64Halves(key);
	return (BigInt(FNV_OUT[0] as number) << 32n) | BigInt(FNV_OUT[1] as number);
}

/**
 * {@link hashKey64} folded to 32 bits the way godropbox's `ConsistentHash` folds its key:
 * `(high32 XOR low32) >>> 0`. Feed the result to {@link consistentHashFolded}.
 *
 * @param key - a string (hashed as UTF-8) or raw bytes
 * @returns a uint32
 * @throws TypeError `ERR_HASH2_INVALID_KEY` when `key` is neither a string nor a `Uint8Array`
 */
export function hashKey64Folded(key: string | Uint8Array): number {
	fnv1a64Halves(key);
	return ((FNV_OUT[0] as number) ^ (FNV_OUT[1] as number)) >>> 0;
}
