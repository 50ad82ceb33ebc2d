import http from "node:http";
import { createHistogram } from "node:perf_hooks";
import type { RouteKind } from "./metrics.js";
import { MAX_IDS_PER_REQUEST } from "./profile.js";
import { seededRandom, ZipfSampler } from "./zipf.js";

/** Share of each request kind in the load run; the shares are normalised to sum to 1. */
export interface RequestMix {
	readonly get: number;
	readonly multiget: number;
	readonly put: number;
	readonly delete: number;
}

/** 85% single reads, 8% multi-gets of 10 ids, 6% writes, 1% deletes: a read-heavy service. */
export const DEFAULT_MIX: RequestMix = Object.freeze({
	get: 0.85,
	multiget: 0.08,
	put: 0.06,
	delete: 0.01,
});

/** Options of {@link runLoad}. */
export interface LoadRunOptions {
	/** The service, e.g. `http://127.0.0.1:41234`. */
	readonly baseUrl: string;
	/** How long to issue requests, ms. In-flight requests are then awaited (each ≤ requestTimeoutMs). */
	readonly durationMs: number;
	/** Requests in flight at once. */
	readonly concurrency: number;
	/** Ids are drawn from 1..profiles. */
	readonly profiles: number;
	/** Zipf exponent of the ids read. @defaultValue 1 */
	readonly zipfExponent?: number | undefined;
	/**
	 * Zipf exponent of the ids written and deleted: flatter than reads, as popular profiles are
	 * read far more often than they are edited. @defaultValue 0.7
	 */
	readonly writeZipfExponent?: number | undefined;
	readonly mix?: RequestMix | undefined;
	/** Ids per multi-get. @defaultValue 10 */
	readonly idsPerMultiget?: number | undefined;
	/** PRNG seed. @defaultValue 1 */
	readonly seed?: number | undefined;
	/** Per-request timeout, ms. @defaultValue 5000 */
	readonly requestTimeoutMs?: number | undefined;
	/** Called about every `progressIntervalMs` while the run lasts. */
	readonly onProgress?: ((p: LoadProgress) => void) | undefined;
	/** @defaultValue 200 */
	readonly progressIntervalMs?: number | undefined;
	/** Stops the run early (the summary still covers what ran). */
	readonly signal?: AbortSignal | undefined;
	/** Requests per second cap (the `--serve` background load); 0 = as fast as possible. */
	readonly ratePerSec?: number | undefined;
}

/** Progress of a running load run. */
export interface LoadProgress {
	readonly elapsedMs: number;
	readonly durationMs: number;
	readonly requests: number;
	readonly failures: number;
}

/** The outcome of a load run, measured on the client side (HTTP round trips). */
export interface LoadRunResult {
	readonly elapsedMs: number;
	readonly requests: number;
	readonly requestsPerSec: number;
	readonly p50Ms: number;
	readonly p99Ms: number;
	readonly maxMs: number;
	readonly byKind: Readonly<Record<Exclude<RouteKind, "other">, number>>;
	/** 404 answers (reads of ids deleted during the run): expected, not failures. */
	readonly notFound: number;
	/** 5xx answers, other unexpected statuses, network errors and timeouts. */
	readonly failures: number;
	/** The first few failure descriptions. */
	readonly failureSamples: readonly string[];
}

interface Outcome {
	status: number;
	error?: string | undefined;
}

function request(
	agent: http.Agent,
	base: URL,
	method: string,
	path: string,
	body: string | undefined,
	timeoutMs: number,
): Promise<Outcome> {
	return new Promise((resolve) => {
		const req = http.request(
			{
				agent,
				host: base.hostname,
				port: base.port,
				method,
				path,
				headers:
					body === undefined
						? {}
						: {
								"content-type": "application/json",
								"content-length": Buffer.byteLength(body),
							},
			},
			(res) => {
				res.resume();
				res.once("end", () => resolve({ status: res.statusCode ?? 0 }));
				res.once("error", (err) => resolve({ status: 0, error: err.message }));
			},
		);
		req.setTimeout(timeoutMs, () =>
			req.destroy(new Error(`timed out after ${timeoutMs} ms`)),
		);
		req.once("error", (err) => resolve({ status: 0, error: err.message }));
		req.end(body);
	});
}

/**
 * Drives the HTTP API with a bounded, Zipf-distributed mix of reads and writes: `concurrency`
 * workers issue requests back to back until `durationMs` has passed (or `signal` aborts), then
 * wait for their last request. Every loop is bounded by the deadline and every request by
 * `requestTimeoutMs`.
 */
export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
	const base = new URL(options.baseUrl);
	const mix = options.mix ?? DEFAULT_MIX;
	const total = mix.get + mix.multiget + mix.put + mix.delete;
	const cut = [
		mix.get / total,
		(mix.get + mix.multiget) / total,
		(mix.get + mix.multiget + mix.put) / total,
	] as const;
	const random = seededRandom(options.seed ?? 1);
	const zipf = new ZipfSampler(
		options.profiles,
		options.zipfExponent ?? 1,
		random,
	);
	const writeZipf = new ZipfSampler(
		options.profiles,
		options.writeZipfExponent ?? 0.7,
		random,
	);
	const idsPer = Math.min(options.idsPerMultiget ?? 10, MAX_IDS_PER_REQUEST);
	const timeoutMs = options.requestTimeoutMs ?? 5000;
	const agent = new http.Agent({
		keepAlive: true,
		maxSockets: options.concurrency,
	});
	const histogram = createHistogram();
	const byKind = { get: 0, multiget: 0, put: 0, delete: 0 };
	let requests = 0;
	let notFound = 0;
	let failures = 0;
	const failureSamples: string[] = [];
	const started = performance.now();
	const deadline = started + options.durationMs;
	const rate = options.ratePerSec ?? 0;
	const stopped = (): boolean =>
		performance.now() >= deadline || options.signal?.aborted === true;

	const progress = (): void =>
		options.onProgress?.({
			elapsedMs: Math.min(performance.now() - started, options.durationMs),
			durationMs: options.durationMs,
			requests,
			failures,
		});
	const timer =
		options.onProgress === undefined
			? undefined
			: setInterval(progress, options.progressIntervalMs ?? 200);

	const one = async (): Promise<void> => {
		const u = random();
		let kind: keyof typeof byKind;
		let outcome: Outcome;
		const t0 = performance.now();
		if (u < cut[0]) {
			kind = "get";
			outcome = await request(
				agent,
				base,
				"GET",
				`/profiles/${zipf.next()}`,
				undefined,
				timeoutMs,
			);
		} else if (u < cut[1]) {
			kind = "multiget";
			const ids = Array.from({ length: idsPer }, () => zipf.next());
			outcome = await request(
				agent,
				base,
				"GET",
				`/profiles?ids=${ids.join(",")}`,
				undefined,
				timeoutMs,
			);
		} else if (u < cut[2]) {
			kind = "put";
			const id = writeZipf.next();
			const body = JSON.stringify({
				name: `Load Tester ${id}`,
				email: `load.${id}@example.com`,
				bio: `written by the load run at ${new Date().toISOString()} (${Math.floor(random() * 1e9)})`,
			});
			outcome = await request(
				agent,
				base,
				"PUT",
				`/profiles/${id}`,
				body,
				timeoutMs,
			);
		} else {
			kind = "delete";
			outcome = await request(
				agent,
				base,
				"DELETE",
				`/profiles/${writeZipf.next()}`,
				undefined,
				timeoutMs,
			);
		}
		histogram.record(Math.max(1, Math.round((performance.now() - t0) * 1000)));
		requests++;
		byKind[kind]++;
		if (outcome.status === 404 && kind === "get") notFound++;
		else if (outcome.status < 200 || outcome.status >= 300) {
			failures++;
			if (failureSamples.length < 5)
				failureSamples.push(
					`${kind}: ${outcome.error ?? `HTTP ${outcome.status}`}`,
				);
		}
	};

	const worker = async (index: number): Promise<void> => {
		// With a rate cap, each worker owns an equal share of the schedule.
		const interval = rate > 0 ? (1000 * options.concurrency) / rate : 0;
		let next = started + (interval * index) / options.concurrency;
		while (!stopped()) {
			if (interval > 0) {
				const wait = next - performance.now();
				if (wait > 0) {
					await new Promise((r) =>
						setTimeout(r, Math.min(wait, deadline - performance.now())),
					);
					if (stopped()) break;
				}
				next += interval;
			}
			await one();
		}
	};

	try {
		await Promise.all(
			Array.from({ length: options.concurrency }, (_, i) => worker(i)),
		);
	} finally {
		if (timer !== undefined) clearInterval(timer);
		agent.destroy();
	}
	progress();
	const elapsedMs = performance.now() - started;
	const count = histogram.count;
	return {
		elapsedMs,
		requests,
		requestsPerSec: requests / (elapsedMs / 1000),
		p50Ms: count === 0 ? 0 : histogram.percentile(50) / 1000,
		p99Ms: count === 0 ? 0 : histogram.percentile(99) / 1000,
		maxMs: count === 0 ? 0 : histogram.max / 1000,
		byKind,
		notFound,
		failures,
		failureSamples,
	};
}
