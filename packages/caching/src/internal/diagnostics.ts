import diagnostics from "node:diagnostics_channel";

/** Channel names: `godropbox-ts:caching:<event>`. */
export const channels = {
	hit: diagnostics.channel("godropbox-ts:caching:hit"),
	miss: diagnostics.channel("godropbox-ts:caching:miss"),
	fill: diagnostics.channel("godropbox-ts:caching:fill"),
	fillSkipped: diagnostics.channel("godropbox-ts:caching:fill-skipped"),
	coalesced: diagnostics.channel("godropbox-ts:caching:coalesced"),
	cacheError: diagnostics.channel("godropbox-ts:caching:cache-error"),
	invalidate: diagnostics.channel("godropbox-ts:caching:invalidate"),
	leaseWin: diagnostics.channel("godropbox-ts:caching:lease-win"),
	leaseWait: diagnostics.channel("godropbox-ts:caching:lease-wait"),
	staleServed: diagnostics.channel("godropbox-ts:caching:stale-served"),
} as const;
