import type { RequestMetrics } from "../metrics.js";
import type {
	CacheCounters,
	PoolView,
	ShardView,
	Stack,
} from "../stack-types.js";

/** One tick of live statistics, pushed to the viewer over server-sent events. */
export interface Snapshot {
	/** Wall-clock time, epoch ms. */
	readonly t: number;
	/** API requests per second during the tick. */
	readonly rps: number;
	/** Server-side latency of API requests during the tick, ms (0 without requests). */
	readonly p50Ms: number;
	readonly p99Ms: number;
	/** Cache hit rate during the tick, 0..1; null when there were no reads. */
	readonly hitRate: number | null;
	/** Cumulative cache counters. */
	readonly cache: CacheCounters;
	readonly requests: {
		readonly total: number;
		readonly byKind: Readonly<Record<string, number>>;
		readonly byStatusClass: Readonly<Record<string, number>>;
	};
	readonly shards: readonly ShardView[];
	readonly pools: readonly PoolView[];
	readonly cacheKind: "memcache" | "local";
	readonly backgroundRate: number;
}

/** Options of {@link Sampler}. */
export interface SamplerOptions {
	readonly stack: Stack;
	readonly metrics: RequestMetrics;
	/** Tick length, ms. @defaultValue 500 */
	readonly intervalMs?: number | undefined;
	/** Ticks kept for viewers that connect later. @defaultValue 240 */
	readonly historySize?: number | undefined;
	/** Background load rate reported in snapshots. */
	readonly backgroundRate?: (() => number) | undefined;
}

/**
 * Takes a {@link Snapshot} every `intervalMs` on an unref'd timer, keeps a bounded history and
 * hands each snapshot to subscribers.
 */
export class Sampler {
	#options: SamplerOptions;
	#timer: NodeJS.Timeout | undefined;
	#history: Snapshot[] = [];
	#subscribers = new Set<(s: Snapshot) => void>();
	#last: { t: number; total: number; cache: CacheCounters };

	constructor(options: SamplerOptions) {
		this.#options = options;
		this.#last = {
			t: performance.now(),
			total: options.metrics.total,
			cache: options.stack.cacheCounters(),
		};
	}

	/** Starts ticking (idempotent). */
	start(): void {
		if (this.#timer !== undefined) return;
		this.#timer = setInterval(
			() => this.tick(),
			this.#options.intervalMs ?? 500,
		);
		this.#timer.unref();
	}

	/** Stops ticking and forgets subscribers. */
	stop(): void {
		if (this.#timer !== undefined) clearInterval(this.#timer);
		this.#timer = undefined;
		this.#subscribers.clear();
	}

	/** The retained snapshots, oldest first. */
	history(): readonly Snapshot[] {
		return this.#history;
	}

	/** Calls `fn` with every new snapshot until the returned function is called. */
	subscribe(fn: (s: Snapshot) => void): () => void {
		this.#subscribers.add(fn);
		return () => this.#subscribers.delete(fn);
	}

	/** Takes one snapshot now (the timer calls this; tests may too). */
	tick(): Snapshot {
		const { stack, metrics } = this.#options;
		const now = performance.now();
		const cache = stack.cacheCounters();
		const window = metrics.takeWindow();
		const secs = Math.max(0.001, (now - this.#last.t) / 1000);
		const reads =
			cache.hits -
			this.#last.cache.hits +
			(cache.misses - this.#last.cache.misses);
		const snap: Snapshot = {
			t: Date.now(),
			rps: (metrics.total - this.#last.total) / secs,
			p50Ms: window.p50Ms,
			p99Ms: window.p99Ms,
			hitRate:
				reads === 0 ? null : (cache.hits - this.#last.cache.hits) / reads,
			cache,
			requests: {
				total: metrics.total,
				byKind: { ...metrics.byKind },
				byStatusClass: { ...metrics.byStatusClass },
			},
			shards: stack.shards(),
			pools: stack.pools(),
			cacheKind: stack.cacheKind,
			backgroundRate: this.#options.backgroundRate?.() ?? 0,
		};
		this.#last = { t: now, total: metrics.total, cache };
		this.#history.push(snap);
		const max = this.#options.historySize ?? 240;
		if (this.#history.length > max)
			this.#history.splice(0, this.#history.length - max);
		for (const fn of this.#subscribers) fn(snap);
		return snap;
	}
}
