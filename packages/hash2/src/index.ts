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
export { hashKey64, hashKey64Folded } from "./key-hash.js";
export type { ShardFunction } from "./shard-function.js";
