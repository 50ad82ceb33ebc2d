import diagnostics_channel from "node:diagnostics_channel";

/**
 * diagnostics_channel channels, named `godropbox-ts:memcache:<event>`. Messages carry
 * addresses, shard ids and error objects, never keys or values.
 */
export const channels = {
	connect: diagnostics_channel.channel("godropbox-ts:memcache:connect"),
	connectionError: diagnostics_channel.channel(
		"godropbox-ts:memcache:connection-error",
	),
	timeout: diagnostics_channel.channel("godropbox-ts:memcache:timeout"),
	protocolError: diagnostics_channel.channel(
		"godropbox-ts:memcache:protocol-error",
	),
	shardSkipped: diagnostics_channel.channel(
		"godropbox-ts:memcache:shard-skipped",
	),
	shardStates: diagnostics_channel.channel(
		"godropbox-ts:memcache:shard-states",
	),
} as const;
