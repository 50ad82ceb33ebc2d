export {
	CacheOnStorage,
	type CacheOnStorageOptions,
	type CacheOnStorageStats,
	DEFAULT_CACHE_ON_STORAGE_OPTIONS,
	type NegativeCacheOptions,
	type WritePolicy,
} from "./cache-on-storage.js";
export { bytesCodec, type Codec, jsonCodec, v8Codec } from "./codec.js";
export {
	AbortedError,
	AcquireTimeoutError,
	BackendError,
	BadResultError,
	CacheFailedError,
	CachingError,
	CachingErrorCode,
	type CachingErrorCodeValue,
	ClosedError,
	CodecError,
	InvalidationFailedError,
	InvalidKeyError,
	InvalidOptionError,
	NotImplementedError,
	QueueFullError,
} from "./errors.js";
export {
	GenericStorage,
	type GenericStorageOptions,
} from "./generic-storage.js";
export {
	defaultKeyToString,
	type KeyOfFunc,
	keyOfProperty,
	type ToStringFunc,
} from "./keys.js";
export {
	DEFAULT_LOCAL_MAP_STORAGE_OPTIONS,
	LocalMapStorage,
	type LocalMapStorageOptions,
} from "./local-map-storage.js";
export {
	MEMCACHE_ITEM_FLAGS,
	MemcacheStorage,
	type MemcacheStorageClient,
	type MemcacheStorageOptions,
} from "./memcache-storage.js";
export {
	DEFAULT_RATE_LIMITED_STORAGE_OPTIONS,
	newRateLimitedStorage,
	RateLimitedStorage,
	type RateLimitedStorageOptions,
	type RateLimitedStorageStats,
} from "./rate-limited-storage.js";
export { RedisStorage, type RedisStorageOptions } from "./redis-storage.js";
export {
	type SqlRow,
	SqlStorage,
	type SqlStorageOptions,
	type SqlTable,
} from "./sql-storage.js";
export {
	type FillGuardedStorage,
	isFillGuardedStorage,
	isLeaseCapableStorage,
	isMetaLeaseStorage,
	type LeaseCapableStorage,
	type LeaseRead,
	type MetaLeaseStorage,
	type OperationOptions,
	type SetOptions,
	type Storage,
} from "./storage.js";
