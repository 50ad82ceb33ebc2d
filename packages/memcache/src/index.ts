export { type CreateClientOptions, createClient } from "./create-client.js";
export {
	AbortError,
	ClientClosedError,
	ConnectionError,
	InvalidArgumentError,
	InvalidKeyError,
	InvalidValueError,
	MemcacheError,
	MemcacheErrorCode,
	MemcacheStatusError,
	NotSupportedError,
	ProtocolError,
	ServerErrorReply,
	ShardOutOfRangeError,
	TimeoutError,
	UnmappedKeyError,
} from "./errors.js";
export type {
	ConnectionPoolLike,
	PooledConnection,
} from "./internal/transports.js";
export type {
	MetaDeleteOptions,
	MetaGetOptions,
	MetaGetResponse,
	MetaItem,
	MetaKey,
	MetaMutateResponse,
	MetaSetOptions,
} from "./meta-types.js";
export { MockClient, type MockClientOptions } from "./mock-client.js";
export {
	DEFAULT_RAW_CLIENT_OPTIONS,
	type RawClientOptions,
} from "./options.js";
export { RawAsciiClient } from "./raw-ascii-client.js";
export { RawBinaryClient } from "./raw-binary-client.js";
export { RawMetaClient } from "./raw-meta-client.js";
export {
	newCountErrorResponse,
	newCountResponse,
	newErrorResponse,
	newGetErrorResponse,
	newGetResponse,
	newMutateErrorResponse,
	newMutateResponse,
	newResponse,
	newStatErrorResponse,
	newStatResponse,
	newStatusCodeError,
	newVersionErrorResponse,
	newVersionResponse,
} from "./responses.js";
export {
	type SaslPlainDialOptions,
	saslPlainDial,
} from "./sasl-plain-dial.js";
export {
	BaseShardManager,
	type ShardLookup,
	type ShardManager,
	type ShardManagerOptions,
	type ShardMapping,
	ShardState,
	type ShardStateEntry,
	StaticShardManager,
} from "./shard-manager.js";
export { ShardedClient, type ShardedClientOptions } from "./sharded-client.js";
export { LATENCY_BUCKETS_MS, type ShardStats } from "./stats.js";
export { ResponseStatus, statusMessage } from "./status.js";
export type {
	Client,
	CountResponse,
	GetResponse,
	Item,
	MutateResponse,
	RequestOptions,
	Response,
	StatResponse,
	VersionResponse,
} from "./types.js";
