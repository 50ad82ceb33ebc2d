import { createHistogram, type RecordableHistogram } from "node:perf_hooks";

/** The kinds of API request, as counted and plotted. */
export type RouteKind = "get" | "multiget" | "put" | "delete" | "other";

/** Cumulative request counters plus a latency histogram that the sampler resets each tick. */
export class RequestMetrics {
	readonly byKind: Record<RouteKind, number> = {
		get: 0,
		multiget: 0,
		put: 0,
		delete: 0,
		other: 0,
	};
	readonly byStatusClass = { "2xx": 0, "4xx": 0, "5xx": 0 };
	total = 0;
	/** Latency of API requests since the last {@link takeWindow}, microseconds. */
	#window: RecordableHistogram = createHistogram();

	/** Records one finished request. */
	record(kind: RouteKind, status: number, micros: number): void {
		this.total++;
		this.byKind[kind]++;
		if (status >= 500) this.byStatusClass["5xx"]++;
		else if (status >= 400) this.byStatusClass["4xx"]++;
		else this.byStatusClass["2xx"]++;
		if (kind !== "other") this.#window.record(Math.max(1, Math.round(micros)));
	}

	/** p50 / p99 in milliseconds and count of the window, then starts a new window. */
	takeWindow(): { count: number; p50Ms: number; p99Ms: number } {
		const h = this.#window;
		const out = {
			count: h.count,
			p50Ms: h.count === 0 ? 0 : h.percentile(50) / 1000,
			p99Ms: h.count === 0 ? 0 : h.percentile(99) / 1000,
		};
		h.reset();
		return out;
	}
}
