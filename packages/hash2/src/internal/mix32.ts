/**
 * godropbox's `simpleMurmur32`: MurmurHash3 x86_32 of exactly one little-endian 4-byte block
 * with seed 12345 (godropbox: hash2/consistent_hash.go). A bijection on uint32.
 *
 * Every step stays a 32-bit integer: `Math.imul` for products (plain `*` would lose bits above
 * 2^53), `>>>` for logical shifts. Returns an unsigned value.
 *
 * @internal
 */
export function mix32(v: number): number {
	let k = Math.imul(v, 0xcc9e2d51);
	k = (k << 15) | (k >>> 17);
	k = Math.imul(k, 0x1b873593);
	let h = 12345 ^ k;
	h = (h << 13) | (h >>> 19);
	h = (Math.imul(h, 5) + 0xe6546b64) ^ 4;
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}
