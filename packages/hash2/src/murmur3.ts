import { HASH2_ERROR_CODES } from "./errors.js";
import { describe, typeError } from "./internal/errors.js";
import { throwUint32 } from "./internal/validate.js";

/**
 * MurmurHash3 x86_32 of `bytes` with `seed` (godropbox: murmur3/murmur3.go `Hash32`).
 *
 * The standard algorithm (Austin Appleby's reference, as in spaolacci/murmur3): 4-byte
 * little-endian blocks, a 1–3 byte tail scrambled without the rotate/add step, the length,
 * then the `fmix32` finaliser. godropbox's consistent hash uses the special case of one
 * 4-byte block with seed 12345.
 *
 * @param bytes - the input
 * @param seed - a uint32 seed
 * @defaultValue seed `0`
 * @returns the hash as a uint32
 * @throws TypeError `ERR_HASH2_INVALID_BYTES` when `bytes` is not a `Uint8Array`
 * @throws RangeError / TypeError `ERR_HASH2_INVALID_UINT32` when `seed` is not a uint32
 * @example
 * ```ts
 * murmur3_32(new TextEncoder().encode("foobar"), 0x123456); // 0xaea81970
 * ```
 */
export function murmur3_32(bytes: Uint8Array, seed = 0): number {
	if (!(bytes instanceof Uint8Array)) {
		throw typeError(
			HASH2_ERROR_CODES.INVALID_BYTES,
			`bytes must be a Uint8Array, got ${describe(bytes)}`,
		);
	}
	if (typeof seed !== "number" || seed >>> 0 !== seed)
		throwUint32("seed", seed);
	const len = bytes.length;
	const blockEnd = len & ~3;
	let h = seed | 0;
	for (let i = 0; i < blockEnd; i += 4) {
		let k =
			(bytes[i] as number) |
			((bytes[i + 1] as number) << 8) |
			((bytes[i + 2] as number) << 16) |
			((bytes[i + 3] as number) << 24);
		k = Math.imul(k, 0xcc9e2d51);
		k = (k << 15) | (k >>> 17);
		h ^= Math.imul(k, 0x1b873593);
		h = (h << 13) | (h >>> 19);
		h = (Math.imul(h, 5) + 0xe6546b64) | 0;
	}
	const tail = len & 3;
	if (tail !== 0) {
		let k = 0;
		if (tail === 3) k ^= (bytes[blockEnd + 2] as number) << 16;
		if (tail >= 2) k ^= (bytes[blockEnd + 1] as number) << 8;
		k ^= bytes[blockEnd] as number;
		k = Math.imul(k, 0xcc9e2d51);
		k = (k << 15) | (k >>> 17);
		h ^= Math.imul(k, 0x1b873593);
	}
	h ^= len;
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}
