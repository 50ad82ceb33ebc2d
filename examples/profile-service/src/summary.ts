import type { ConsistencyReport } from "./consistency.js";
import { int, ms, pct, table } from "./format.js";
import type { LoadRunResult } from "./load-run.js";
import type { CacheCounters, PoolView, ShardView } from "./stack-types.js";

/** Everything the summary table shows. */
export interface SummaryInput {
	readonly databaseDescription: string;
	readonly cacheDescription: string;
	readonly profiles: number;
	readonly concurrency: number;
	readonly zipfExponent: number;
	readonly load: LoadRunResult;
	/** Cache counters accumulated during the load run. */
	readonly cache: CacheCounters;
	readonly shards: readonly ShardView[];
	readonly pools: readonly PoolView[];
	readonly consistency: ConsistencyReport;
}

/** Subtracts two counter snapshots (`after - before`). */
export function counterDelta(
	after: CacheCounters,
	before: CacheCounters,
): CacheCounters {
	return {
		hits: after.hits - before.hits,
		misses: after.misses - before.misses,
		fills: after.fills - before.fills,
		coalesced: after.coalesced - before.coalesced,
		fillsRefused: after.fillsRefused - before.fillsRefused,
		errors: after.errors - before.errors,
	};
}

/** The end-of-run summary as plain text (no colours, so it reads the same in a log or a README). */
export function renderSummary(s: SummaryInput): string {
	const { load, cache, consistency: c } = s;
	const k = load.byKind;
	const lines = [
		"profile-service load run summary",
		`  database     ${s.databaseDescription} (${int(s.profiles)} profiles)`,
		`  cache        ${s.cacheDescription}`,
		`  run          ${(load.elapsedMs / 1000).toFixed(1)} s, ${s.concurrency} concurrent, Zipf s=${s.zipfExponent} over ${int(s.profiles)} ids`,
		`  requests     ${int(load.requests)} total, ${int(load.requestsPerSec)} req/s  (get ${int(k.get)} · multi-get ${int(k.multiget)} · put ${int(k.put)} · delete ${int(k.delete)})`,
		`  latency      p50 ${ms(load.p50Ms)}   p99 ${ms(load.p99Ms)}   max ${ms(load.maxMs)}   (HTTP round trip)`,
		`  outcomes     failures ${int(load.failures)}   404 on deleted ids ${int(load.notFound)}`,
		...load.failureSamples.map((f) => `               e.g. ${f}`),
		`  cache        hit rate ${pct(cache.hits, cache.hits + cache.misses)} (${int(cache.hits)} hits, ${int(cache.misses)} misses)`,
		`               fills ${int(cache.fills)}   fills coalesced ${int(cache.coalesced)}   fills skipped ${int(cache.fillsRefused)}   cache errors ${int(cache.errors)}`,
	];
	if (s.shards.length > 0) {
		lines.push("", "  memcache shards");
		lines.push(
			table(
				[
					"#",
					"address",
					"state",
					"requests",
					"hits",
					"misses",
					"hit rate",
					"skipped",
					"not OK",
					"conns",
				],
				s.shards.map((sh) => [
					sh.index,
					sh.address,
					sh.state,
					sh.requests,
					sh.hits,
					sh.misses,
					pct(sh.hits, sh.hits + sh.misses),
					sh.skipped,
					sh.errors,
					sh.connections,
				]),
			),
		);
	}
	if (s.pools.length > 0) {
		lines.push("", "  net2 connection pools");
		lines.push(
			table(
				[
					"address",
					"active",
					"idle",
					"pending",
					"high-water",
					"dials",
					"dial failures",
				],
				s.pools.map((p) => [
					p.address,
					p.active,
					p.idle,
					p.pending,
					p.highWater,
					p.dials,
					p.dialFailures,
				]),
			),
		);
	}
	lines.push(
		"",
		`  consistency  checked ${int(c.checked)} ids: ${int(c.cached)} cached, stale = ${int(c.stale)}${c.stale === 0 ? "  ✓" : `  ✗ (e.g. ids ${c.staleIds.join(", ")})`}   (${(c.elapsedMs / 1000).toFixed(1)} s)`,
	);
	return lines.join("\n");
}
