import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";

/** What `src/main.ts` was asked to do, after command-line flags and environment are merged. */
export interface ServiceOptions {
	/** Keep serving with the live viewer at `/` instead of running the bounded load run. */
	readonly serve: boolean;
	/** Length of the load run, milliseconds. */
	readonly durationMs: number;
	/** HTTP port; 0 picks a free one. */
	readonly port: number;
	/** HTTP host to listen on. */
	readonly host: string;
	/** Concurrent requests during the load run. */
	readonly concurrency: number;
	/** Number of profiles seeded on first run (ids 1..profiles). */
	readonly profiles: number;
	/** Zipf exponent of the id distribution. */
	readonly zipfExponent: number;
	/** Background load of `--serve`, requests per second (0 = none). */
	readonly backgroundRate: number;
	/** Directory of the embedded SQLite database. */
	readonly dataDir: string;
	/** `DATABASE_URL`: MariaDB/MySQL or PostgreSQL instead of the embedded SQLite. */
	readonly databaseUrl: string | undefined;
	/** `MEMCACHE_SERVERS`: existing memcached servers (`host:port`) instead of local ones. */
	readonly memcacheServers: readonly string[] | undefined;
	/**
	 * `ETCD_ENDPOINTS`: etcd client URLs. When set, the memcache shard states live in etcd (an
	 * `EtcdShardManager` follows them) and the viewer's state changes are written there.
	 */
	readonly etcdEndpoints: readonly string[] | undefined;
	/** Print the usage text and exit. */
	readonly help: boolean;
}

/** The package directory (`examples/profile-service`), found from this file. */
export const PACKAGE_DIR = path.resolve(
	path.dirname(fileURLToPath(import.meta.url)),
	"..",
);

/** Defaults used when neither a flag nor an environment variable says otherwise. */
export const DEFAULT_SERVICE_OPTIONS: Readonly<ServiceOptions> = Object.freeze({
	serve: false,
	durationMs: 10_000,
	port: 0,
	host: "127.0.0.1",
	concurrency: 32,
	profiles: 100_000,
	zipfExponent: 1.1,
	backgroundRate: 200,
	dataDir: path.join(PACKAGE_DIR, "data"),
	databaseUrl: undefined,
	memcacheServers: undefined,
	etcdEndpoints: undefined,
	help: false,
});

/** Port of `--serve` when `--port` is not given. */
export const DEFAULT_SERVE_PORT = 8080;

export const USAGE = `Usage: pnpm demo [-- options]   (or: tsx src/main.ts [options])

Runs the profile service (SQLite or DATABASE_URL behind a sharded memcache read-through cache)
and a bounded load run that ends in a summary; --serve keeps serving with a live viewer.

Options:
  --serve                 keep serving; live introspection page at http://host:port/
  --duration <time>       load run length: seconds, or with a unit (500ms, 10s, 1m)  [10s]
  --port <n>              HTTP port (0 = any free port)     [0; --serve: ${DEFAULT_SERVE_PORT}]
  --host <addr>           HTTP listen address                                 [127.0.0.1]
  --concurrency <n>       requests in flight during the load run                     [32]
  --profiles <n>          rows seeded on first run                              [100000]
  --zipf <s>              Zipf exponent of the requested ids                         [1.1]
  --background-rate <n>   --serve: background requests per second (0 = none)         [200]
  --data-dir <path>       where the embedded SQLite database lives     [<package>/data]
  -h, --help              this text

Environment:
  DATABASE_URL       mysql://…, mariadb://…, postgres://… or sqlite:<file> instead of SQLite
  MEMCACHE_SERVERS   comma-separated host:port list instead of starting local memcached
  ETCD_ENDPOINTS     comma-separated etcd URLs: shard states come from (and go to) etcd`;

function parseIntIn(
	flag: string,
	raw: string,
	min: number,
	max: number,
): number {
	if (!/^\d+$/.test(raw.trim()))
		throw new UsageError(`${flag} must be a whole number, got '${raw}'`);
	const n = Number(raw);
	if (n < min || n > max)
		throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`);
	return n;
}

/**
 * Parses a duration: a plain number is seconds; `ms`, `s`, `m` suffixes are accepted.
 *
 * @throws {@link UsageError} when it is not a positive duration of at most one hour.
 */
export function parseDuration(raw: string): number {
	const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(raw);
	if (m === null)
		throw new UsageError(
			`--duration must be a number of seconds or have a unit (500ms, 10s, 1m), got '${raw}'`,
		);
	const value = Number(m[1]);
	const unit = m[2] ?? "s";
	const ms =
		unit === "ms" ? value : unit === "s" ? value * 1000 : value * 60_000;
	if (!(ms >= 100 && ms <= 3_600_000))
		throw new UsageError(
			`--duration must be between 100ms and 1h, got '${raw}'`,
		);
	return Math.round(ms);
}

/**
 * Parses `MEMCACHE_SERVERS`: comma- or space-separated `host:port` entries.
 *
 * @throws {@link UsageError} on an entry without a valid port.
 */
export function parseServerList(raw: string): string[] {
	const entries = raw
		.split(/[\s,]+/)
		.map((s) => s.trim())
		.filter((s) => s !== "");
	if (entries.length === 0)
		throw new UsageError("MEMCACHE_SERVERS is set but lists no server");
	for (const e of entries) {
		const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(e);
		const port = m ? Number(m[2]) : 0;
		if (m === null || port < 1 || port > 65535)
			throw new UsageError(
				`MEMCACHE_SERVERS entries must look like host:port, got '${e}'`,
			);
	}
	return entries;
}

/**
 * Merges command-line flags and the environment into {@link ServiceOptions}.
 *
 * @param argv the arguments after the script name (`process.argv.slice(2)`)
 * @param env the environment (`process.env`)
 * @throws {@link UsageError} on an unknown flag or an invalid value
 */
export function parseOptions(
	argv: readonly string[],
	env: NodeJS.ProcessEnv = {},
): ServiceOptions {
	let parsed: ReturnType<typeof parseCli>;
	try {
		// `pnpm start -- --flag` passes the `--` separator through: ignore it.
		parsed = parseCli(argv.filter((a) => a !== "--"));
	} catch (err) {
		throw new UsageError((err as Error).message);
	}
	const v = parsed.values;
	if (parsed.positionals.length > 0)
		throw new UsageError(
			`unexpected argument '${parsed.positionals[0]}' (options start with --)`,
		);
	const serve = v.serve === true;
	const d = DEFAULT_SERVICE_OPTIONS;
	const zipf = v.zipf === undefined ? d.zipfExponent : Number(v.zipf);
	if (!(Number.isFinite(zipf) && zipf >= 0 && zipf <= 5))
		throw new UsageError(
			`--zipf must be a number from 0 to 5, got '${v.zipf}'`,
		);
	const databaseUrl = env.DATABASE_URL?.trim() || undefined;
	const rawServers = env.MEMCACHE_SERVERS;
	const etcd = (env.ETCD_ENDPOINTS ?? "")
		.split(/[\s,]+/)
		.filter((e) => e !== "");
	for (const e of etcd)
		if (!/^https?:\/\/[^\s/]+(:\d{1,5})?\/?$/.test(e))
			throw new UsageError(
				`ETCD_ENDPOINTS entries must look like http://host:port, got '${e}'`,
			);
	return {
		serve,
		help: v.help === true,
		durationMs:
			v.duration === undefined ? d.durationMs : parseDuration(v.duration),
		port:
			v.port === undefined
				? serve
					? DEFAULT_SERVE_PORT
					: d.port
				: parseIntIn("--port", v.port, 0, 65535),
		host: v.host ?? d.host,
		concurrency:
			v.concurrency === undefined
				? d.concurrency
				: parseIntIn("--concurrency", v.concurrency, 1, 1024),
		profiles:
			v.profiles === undefined
				? d.profiles
				: parseIntIn("--profiles", v.profiles, 1, 10_000_000),
		zipfExponent: zipf,
		backgroundRate:
			v["background-rate"] === undefined
				? d.backgroundRate
				: parseIntIn("--background-rate", v["background-rate"], 0, 100_000),
		dataDir:
			v["data-dir"] === undefined ? d.dataDir : path.resolve(v["data-dir"]),
		databaseUrl,
		memcacheServers:
			rawServers === undefined || rawServers.trim() === ""
				? undefined
				: parseServerList(rawServers),
		etcdEndpoints: etcd.length === 0 ? undefined : etcd,
	};
}

function parseCli(argv: readonly string[]) {
	return parseArgs({
		args: [...argv],
		strict: true,
		allowPositionals: true,
		options: {
			serve: { type: "boolean" },
			duration: { type: "string" },
			port: { type: "string" },
			host: { type: "string" },
			concurrency: { type: "string" },
			profiles: { type: "string" },
			zipf: { type: "string" },
			"background-rate": { type: "string" },
			"data-dir": { type: "string" },
			help: { type: "boolean", short: "h" },
		},
	});
}
