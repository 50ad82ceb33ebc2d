// The one import of hash2's default shard function (godropbox consistent hash over the
// documented FNV-1a 64 key hash): consistentHash(hashKey64(key), numShards).
export { consistentHashShardFunction as defaultShardFunction } from "@godropbox-ts/hash2";
