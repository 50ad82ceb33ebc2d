export { computeMd5Checksum, validateMd5Checksum } from "./checksum.js";
export {
	consistentHash,
	consistentHashFolded,
	consistentHashHiLo,
	consistentHashShardFunction,
	MAX_CONSISTENT_HASH_SHARDS,
} from "./consistent-hash.js";
export type {
	Hash2ErrorCode,
	Hash2RangeError,
	Hash2TypeError,
} from "./errors.js";
export { HASH2_ERROR_CODES } from "./errors.js";
export {
	jumpHash,
	jumpHashHiLo,
	jumpHashShardFunction,
	MAX_JUMP_HASH_BUCKETS,
} from "./jump-hash.js";
export type { KetamaRingOptions, KetamaServer } from "./ketama.js";
export {
	createKetamaShardFunction,
	DEFAULT_KETAMA_RING_OPTIONS,
	KetamaRing,
} from "./ketama.js";
export { hashKey64, hashKey64Folded } from "./key-hash.js";
export { murmur3_32 } from "./murmur3.js";
export type { RendezvousNode } from "./rendezvous.js";
export {
	createWeightedRendezvousShardFunction,
	MAX_RENDEZVOUS_SHARDS,
	rendezvousShardFunction,
	WeightedRendezvous,
} from "./rendezvous.js";
export type { ShardFunction } from "./shard-function.js";
