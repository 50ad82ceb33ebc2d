export {
	type BenchContender,
	type BenchLimits,
	type BenchRow,
	type BenchScenario,
	benchMarkdown,
	runScenario,
	writeBenchReport,
} from "./bench.js";
export {
	createMysqlDatabase,
	createPostgresSchema,
	createRedisNamespace,
	type TempMysqlDatabase,
	type TempPostgresSchema,
	type TempRedisNamespace,
} from "./databases.js";
export {
	type EtcdCluster,
	EtcdMember,
	etcdBinary,
	requireEtcd,
	type StartEtcdClusterOptions,
	startEtcdCluster,
} from "./etcd.js";
export {
	createTestCertificates,
	opensslAvailable,
	type TestCertificates,
} from "./etcd-tls.js";
export {
	type FaultMode,
	type FaultProxy,
	type FaultProxyOptions,
	startFaultProxy,
} from "./fault-proxy.js";
export {
	type MemcachedCluster,
	MemcachedProcess,
	type StartMemcachedOptions,
	startMemcached,
} from "./memcached.js";
export { canConnect, freePort, waitForPort } from "./ports.js";
export { pauseProcess, resumeProcess } from "./process-control.js";
export {
	type RedisClusterHandle,
	type RedisClusterNode,
	redisServerBinary,
	requireRedisCluster,
	type StartRedisClusterOptions,
	startRedisCluster,
} from "./redis-cluster.js";
export {
	isCI,
	memcachedBinary,
	mysqlUrl,
	postgresUrl,
	redisUrl,
	requireServers,
	type ServerKind,
	serverAvailable,
} from "./servers.js";
