import { startService } from "./app.js";
import { checkConsistency } from "./consistency.js";
import { databaseTarget, ensureSchema, openDatabase } from "./database.js";
import { UsageError } from "./errors.js";
import { int, pct } from "./format.js";
import { runLoad } from "./load-run.js";
import {
	findOnPath,
	type LocalMemcached,
	startLocalMemcached,
} from "./local-memcached.js";
import { parseOptions, type ServiceOptions, USAGE } from "./options.js";
import { countProfiles, seedProfiles } from "./profiles-table.js";
import { ProgressBar } from "./progress.js";
import { createStack } from "./stack.js";
import { counterDelta, renderSummary } from "./summary.js";

/** Where `run` writes; injectable so tests can capture the output. */
export interface RunIo {
	readonly out:
		| NodeJS.WriteStream
		| { write(s: string): unknown; isTTY?: boolean };
	readonly err: { write(s: string): unknown };
	/** Resolves when the user asks to stop (SIGINT/SIGTERM). Defaults to process signals. */
	readonly stopSignal?: AbortSignal | undefined;
}

function processStopSignal(): { signal: AbortSignal; dispose(): void } {
	const abort = new AbortController();
	let count = 0;
	const onSignal = (sig: NodeJS.Signals): void => {
		count++;
		if (count > 1) process.exit(sig === "SIGINT" ? 130 : 143); // exit hook kills memcached
		abort.abort(new Error(sig));
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);
	return {
		signal: abort.signal,
		dispose: () => {
			process.off("SIGINT", onSignal);
			process.off("SIGTERM", onSignal);
		},
	};
}

/**
 * Runs the service as the command line asks. Resolves the process exit code: 0 on success,
 * 1 when the run failed or found stale cache entries, 2 on a usage error.
 */
export async function run(
	argv: readonly string[],
	env: NodeJS.ProcessEnv,
	io: RunIo = { out: process.stdout, err: process.stderr },
): Promise<number> {
	let options: ServiceOptions;
	try {
		options = parseOptions(argv, env);
	} catch (err) {
		if (err instanceof UsageError) {
			io.err.write(`profile-service: ${err.message}\n\n${USAGE}\n`);
			return 2;
		}
		throw err;
	}
	if (options.help) {
		io.out.write(`${USAGE}\n`);
		return 0;
	}
	const log = (line: string): void => {
		io.out.write(`${line}\n`);
	};
	const stop = io.stopSignal === undefined ? processStopSignal() : undefined;
	const stopSignal = io.stopSignal ?? (stop as { signal: AbortSignal }).signal;
	const cleanups: (() => Promise<unknown>)[] = [];
	try {
		// 1. Database: SQLite under data/ by default, DATABASE_URL otherwise.
		const target = databaseTarget(options.databaseUrl, options.dataDir);
		const knex = openDatabase(target);
		cleanups.push(() => knex.destroy());
		await ensureSchema(knex);
		const existing = await countProfiles(knex);
		if (existing === 0) {
			const t0 = performance.now();
			await seedProfiles(knex, options.profiles);
			log(
				`seeded ${int(options.profiles)} profiles into ${target.description} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
			);
		} else {
			log(`using ${int(existing)} existing profiles in ${target.description}`);
		}

		// 2. Cache: MEMCACHE_SERVERS, else three local memcached, else an in-process map.
		let servers = options.memcacheServers;
		let local: LocalMemcached | undefined;
		if (servers === undefined) {
			if (findOnPath("memcached", env.PATH) !== undefined) {
				local = await startLocalMemcached({ count: 3 });
				cleanups.push(() => (local as LocalMemcached).stop());
				servers = local.addresses;
			} else {
				log(
					"memcached is not on PATH: caching in-process with LocalMapStorage instead (install memcached, or set MEMCACHE_SERVERS, for the sharded cache)",
				);
			}
		}
		const stack = await createStack({
			knex,
			database: target,
			memcacheServers: servers,
			localMemcached: local !== undefined,
			etcdEndpoints: options.etcdEndpoints,
		});
		cleanups.push(() => stack.close());
		log(`cache: ${stack.cacheDescription}`);

		// 3. HTTP API (+ viewer).
		const service = await startService({
			stack,
			host: options.host,
			port: options.port,
			viewer: options.serve,
			backgroundRate: options.serve ? options.backgroundRate : 0,
			profiles: options.profiles,
			zipfExponent: options.zipfExponent,
		});
		cleanups.push(() => service.close());

		if (options.serve) {
			log(
				`serving the API and the live viewer at ${service.url}/  (Ctrl-C to stop)`,
			);
			log(
				`  try: curl ${service.url}/profiles/42   ·   curl '${service.url}/profiles?ids=1,2,3'`,
			);
			await new Promise<void>((resolve) => {
				if (stopSignal.aborted) resolve();
				stopSignal.addEventListener("abort", () => resolve(), { once: true });
			});
			log("stopping…");
			return 0;
		}

		// 4. The bounded load run, then the summary.
		log(
			`load run: ${(options.durationMs / 1000).toFixed(1)} s, ${options.concurrency} concurrent, against ${service.url}`,
		);
		const before = stack.cacheCounters();
		const bar = new ProgressBar(io.out as NodeJS.WriteStream, () => {
			const c = counterDelta(stack.cacheCounters(), before);
			return `hit ${pct(c.hits, c.hits + c.misses)}`;
		});
		const load = await runLoad({
			baseUrl: service.url,
			durationMs: options.durationMs,
			concurrency: options.concurrency,
			profiles: options.profiles,
			zipfExponent: options.zipfExponent,
			onProgress: (p) => bar.update(p),
			signal: stopSignal,
		});
		bar.done();
		const cache = counterDelta(stack.cacheCounters(), before);
		// Shard and pool counters before the consistency check, whose reads would count too.
		const shards = stack.shards();
		const pools = stack.pools();
		const consistency = await checkConsistency(stack, options.profiles);
		log("");
		log(
			renderSummary({
				databaseDescription: stack.databaseDescription,
				cacheDescription: stack.cacheDescription,
				profiles: options.profiles,
				concurrency: options.concurrency,
				zipfExponent: options.zipfExponent,
				load,
				cache,
				shards,
				pools,
				consistency,
			}),
		);
		return consistency.stale === 0 && load.failures === 0 ? 0 : 1;
	} catch (err) {
		const e = err as NodeJS.ErrnoException;
		const message =
			e.code === "EADDRINUSE"
				? `port ${options.port} is in use; pass --port <n> (0 = any free port)`
				: (e.message ?? String(err));
		io.err.write(`profile-service: ${message}\n`);
		return 1;
	} finally {
		// Close in reverse order: HTTP, cache client and pools, memcached processes, database.
		for (const cleanup of cleanups.reverse()) {
			try {
				await cleanup();
			} catch (err) {
				io.err.write(
					`profile-service: cleanup failed: ${(err as Error).message}\n`,
				);
			}
		}
		stop?.dispose();
	}
}
