import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApiHandler } from "./http-api.js";
import { runLoad } from "./load-run.js";
import { RequestMetrics } from "./metrics.js";
import type { Stack } from "./stack-types.js";
import { createViewerRoutes } from "./viewer/routes.js";
import { Sampler } from "./viewer/sampler.js";

/** Options of {@link startService}. */
export interface ServiceServerOptions {
	readonly stack: Stack;
	/** @defaultValue "127.0.0.1" */
	readonly host?: string | undefined;
	/** 0 = a free port. @defaultValue 0 */
	readonly port?: number | undefined;
	/** Serve the viewer (`/`, `/api/*`) and sample statistics. @defaultValue true */
	readonly viewer?: boolean | undefined;
	/** Sampling tick of the viewer, ms. @defaultValue 500 */
	readonly sampleIntervalMs?: number | undefined;
	/**
	 * Background load against the service itself, requests per second (the `--serve` mode keeps
	 * the plots moving). 0 = none; the viewer can change it. @defaultValue 0
	 */
	readonly backgroundRate?: number | undefined;
	/** Ids of the background load are drawn from 1..profiles. @defaultValue 100000 */
	readonly profiles?: number | undefined;
	/** @defaultValue 1 */
	readonly zipfExponent?: number | undefined;
}

/** A running service. */
export interface RunningService {
	/** `http://host:port` */
	readonly url: string;
	readonly port: number;
	readonly metrics: RequestMetrics;
	readonly sampler: Sampler;
	/** Stops the background load, ends event streams, closes the HTTP server. Idempotent. */
	close(): Promise<void>;
}

/**
 * Starts the HTTP API (and the viewer) over `stack` on node:http.
 *
 * @throws the listen error (e.g. `EADDRINUSE`) when the port is taken
 */
export async function startService(
	options: ServiceServerOptions,
): Promise<RunningService> {
	const { stack } = options;
	const metrics = new RequestMetrics();
	let bgRate = options.backgroundRate ?? 0;
	let bgAbort: AbortController | undefined;
	let bgRun: Promise<unknown> | undefined;
	let closed = false;

	const sampler = new Sampler({
		stack,
		metrics,
		intervalMs: options.sampleIntervalMs,
		backgroundRate: () => bgRate,
	});
	const viewerEnabled = options.viewer ?? true;
	const viewer = viewerEnabled
		? createViewerRoutes({
				stack,
				sampler,
				profiles: options.profiles,
				background: {
					rate: () => bgRate,
					setRate: (r) => {
						bgRate = r;
						restartBackground();
					},
				},
			})
		: undefined;

	const server = http.createServer(
		{ keepAliveTimeout: 5000 },
		createApiHandler({
			store: stack.store,
			metrics,
			extraRoutes: viewer?.handle,
		}),
	);
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
			server.off("error", reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const host = options.host ?? "127.0.0.1";
	const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

	function restartBackground(): void {
		bgAbort?.abort();
		bgAbort = undefined;
		if (closed || bgRate <= 0) return;
		const abort = new AbortController();
		bgAbort = abort;
		const previous = bgRun ?? Promise.resolve();
		bgRun = previous
			.then(() =>
				abort.signal.aborted
					? undefined
					: runLoad({
							baseUrl: url,
							durationMs: 365 * 24 * 3600_000,
							concurrency: 8,
							ratePerSec: bgRate,
							profiles: options.profiles ?? 100_000,
							zipfExponent: options.zipfExponent,
							seed: Date.now() & 0xffff,
							signal: abort.signal,
						}),
			)
			.catch(() => undefined);
	}

	if (viewerEnabled) sampler.start();
	restartBackground();

	let closing: Promise<void> | undefined;
	return {
		url,
		port,
		metrics,
		sampler,
		close: () => {
			closing ??= (async () => {
				closed = true;
				bgAbort?.abort();
				await bgRun;
				sampler.stop();
				viewer?.close();
				await new Promise<void>((resolve) => {
					// Connections still busy after 2 s (a slow client) are cut.
					const force = setTimeout(() => server.closeAllConnections(), 2000);
					server.close(() => {
						clearTimeout(force);
						resolve();
					});
					server.closeIdleConnections();
				});
			})();
			return closing;
		},
	};
}
