export {
	type EtcdAccessDeniedReason,
	EtcdShardManagerClosedError,
	EtcdShardMapError,
	EtcdShardMapErrorCode,
	InvalidShardMapError,
	ShardMapAccessDeniedError,
	ShardMapConflictError,
	ShardMapNotFoundError,
	ShardMapUnavailableError,
} from "./errors.js";
export {
	DEFAULT_ETCD_SHARD_MANAGER_OPTIONS,
	DEFAULT_SHARD_MAP_KEY,
	ETCD_SHARD_MAP_CHANNEL,
	type EtcdClientOptions,
	EtcdShardManager,
	type EtcdShardManagerOptions,
	type EtcdShardMapEvent,
	type EtcdShardMapStats,
} from "./etcd-shard-manager.js";
export {
	formatShardMap,
	isShardStateName,
	MAX_SHARD_MAP_BYTES,
	MAX_SHARDS,
	parseShardMap,
	SHARD_STATE_NAMES,
	type ShardMap,
	type ShardMapEntry,
	type ShardStateName,
	shardStateFromName,
	shardStateName,
	toShardStates,
	validateShardMap,
} from "./shard-map.js";
export {
	type ReadShardMapResult,
	readShardMap,
	type WriteShardMapOptions,
	writeShardMap,
} from "./shard-map-store.js";
