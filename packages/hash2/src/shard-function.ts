/**
 * The one shape every hash2 shard function has: map a string key to a shard index.
 *
 * Returns an integer in `[0, numShards)`, and `0` when `numShards` is 0 or 1 (nothing to
 * choose). Pure and deterministic: the same `(key, numShards)` always gives the same shard, in
 * every process and on every machine. This is the type the memcache shard manager accepts as
 * its `shardFunction` option.
 *
 * Implementations in this package: {@link consistentHashShardFunction} (godropbox),
 * {@link jumpHashShardFunction}, {@link rendezvousShardFunction}, and the factories
 * {@link createKetamaShardFunction} / {@link createWeightedRendezvousShardFunction}.
 *
 * @param key - the cache key (hashed as its UTF-8 bytes)
 * @param numShards - how many shards exist; each function documents its accepted range
 * @returns the shard index, an integer in `[0, max(numShards, 1))`
 */
export type ShardFunction = (key: string, numShards: number) => number;
