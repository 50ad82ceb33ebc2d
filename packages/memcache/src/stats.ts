/** Upper bounds (ms) of the latency histogram buckets; the last bucket is open-ended. */
export const LATENCY_BUCKETS_MS: readonly number[] = Object.freeze([
	0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000,
]);

/** A snapshot of one shard's counters (godropbox's expvar counters, per client instance). */
export interface ShardStats {
	readonly shardId: number;
	readonly address: string;
	/** Requests sent to the server (a pipelined batch counts once). */
	readonly requests: number;
	/** Keys found by gets. */
	readonly hits: number;
	/** Keys missed by gets. */
	readonly misses: number;
	/** Responses carrying an error (client-side or a server status error). */
	readonly errors: number;
	/** Keys/calls not sent because the shard's state excluded it. */
	readonly skipped: number;
	/** Connections destroyed because a request timed out. */
	readonly timeouts: number;
	/** Connections that failed to connect or broke. */
	readonly connectionErrors: number;
	/** Connections destroyed because the server broke the protocol. */
	readonly protocolErrors: number;
	/** Connections currently open or connecting. */
	readonly connections: number;
	/** Requests currently waiting for a reply. */
	readonly pending: number;
	/** Reply latency: `counts[i]` requests took ≤ `boundsMs[i]`; the last count is the rest. */
	readonly latency: {
		readonly boundsMs: readonly number[];
		readonly counts: readonly number[];
	};
}

/** Mutable counters behind {@link ShardStats}. @internal */
export class ShardStatsRecorder {
	requests = 0;
	hits = 0;
	misses = 0;
	errors = 0;
	skipped = 0;
	timeouts = 0;
	connectionErrors = 0;
	protocolErrors = 0;
	readonly counts: number[] = new Array<number>(
		LATENCY_BUCKETS_MS.length + 1,
	).fill(0);

	observe = (ms: number): void => {
		const b = LATENCY_BUCKETS_MS;
		let i = 0;
		while (i < b.length && ms > (b[i] as number)) i++;
		this.counts[i] = (this.counts[i] as number) + 1;
	};

	snapshot(
		shardId: number,
		address: string,
		connections: number,
		pending: number,
	): ShardStats {
		return {
			shardId,
			address,
			requests: this.requests,
			hits: this.hits,
			misses: this.misses,
			errors: this.errors,
			skipped: this.skipped,
			timeouts: this.timeouts,
			connectionErrors: this.connectionErrors,
			protocolErrors: this.protocolErrors,
			connections,
			pending,
			latency: { boundsMs: LATENCY_BUCKETS_MS, counts: [...this.counts] },
		};
	}
}
