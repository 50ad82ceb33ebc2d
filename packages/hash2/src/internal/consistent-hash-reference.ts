import { mix32 } from "./mix32.js";

/**
 * godropbox's `ConsistentHash` written as plainly as the Go source (hash2/consistent_hash.go):
 * one `mix32` round per pair of shards, `half % (65535 − shard)` for every shard, the smallest
 * position wins, ties keep the lower shard, an early return at position 0. No speed tricks.
 *
 * The optimized `consistentHashCore` in `../consistent-hash.ts` must return exactly what this
 * returns; the randomized test in test/unit/consistent-hash.test.ts compares the two.
 *
 * @param folded - the key folded to 32 bits (`(high32 ^ low32) >>> 0`)
 * @param numShards - an integer in `0..65535`
 * @internal
 */
export function consistentHashReference(
	folded: number,
	numShards: number,
): number {
	if (numShards < 2) return 0;
	let hash = folded >>> 0;
	let best = 0;
	let minPos = 65535;
	for (let shard = 0; shard < numShards; shard++) {
		if (shard % 2 === 0) hash = mix32(hash);
		const half = shard % 2 === 0 ? hash & 0xffff : hash >>> 16;
		const pos = half % (65535 - shard);
		if (pos < minPos) {
			if (pos === 0) return shard;
			best = shard;
			minPos = pos;
		}
	}
	return best;
}
