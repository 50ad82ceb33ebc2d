export type {
	AddressPoolStats,
	ConnectionPool,
	GetOptions,
	PoolStatsSnapshot,
} from "./connection-pool.js";
export { NET2_CHANNELS } from "./diagnostics.js";
export {
	AbortedError,
	AcquireTimeoutError,
	AlreadyRegisteredError,
	ConnectionFailedError,
	ConnectionReleasedError,
	DialConcurrencyError,
	DialError,
	DialTimeoutError,
	ForeignConnectionError,
	InvalidArgumentError,
	IoTimeoutError,
	LameDuckError,
	Net2Error,
	Net2ErrorCode,
	type Net2ErrorInfo,
	NoConnectionAvailableError,
	NotRegisteredError,
	PoolClosedError,
	TooManyConnectionsError,
} from "./errors.js";
export { getPort, isLocalhost, isLocalhostIp, splitHostPort } from "./ip.js";
export type { IoOptions, ManagedConnection } from "./managed-connection.js";
export { MultiConnectionPool } from "./multi-connection-pool.js";
export { NETWORKS, type Network, type NetworkAddress } from "./network.js";
export {
	type ConnectionOptions,
	DEFAULT_CONNECTION_OPTIONS,
	type DialContext,
	type DialFunction,
	type ResolvedConnectionOptions,
} from "./options.js";
export { RoundRobinConnectionPool } from "./round-robin-connection-pool.js";
export { SimpleConnectionPool } from "./simple-connection-pool.js";
