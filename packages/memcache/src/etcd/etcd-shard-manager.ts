import diagnostics_channel from "node:diagnostics_channel";
import {
	consistentHashShardFunction,
	type ShardFunction,
} from "@godropbox-ts/hash2";
// The package's own main entry, by name: the built `etcd` entry then shares the main entry's
// classes (one BaseShardManager, one InvalidArgumentError) instead of bundling copies.
import {
	BaseShardManager,
	InvalidArgumentError,
	type ShardManagerOptions,
	ShardState,
} from "@godropbox-ts/memcache";
import { Etcd3, type IOptions, type Watcher } from "etcd3";
import {
	EtcdShardManagerClosedError,
	type EtcdShardMapError,
	etcdCallError,
	InvalidShardMapError,
	ShardMapAccessDeniedError,
	ShardMapNotFoundError,
	ShardMapUnavailableError,
} from "./errors.js";
import { parseShardMap, toShardStates } from "./shard-map.js";
import { probeTls } from "./tls-probe.js";

/** The etcd key used when none is given. */
export const DEFAULT_SHARD_MAP_KEY = "/godropbox-ts/memcache/shard-map";

/**
 * The diagnostics_channel every {@link EtcdShardManager} publishes {@link EtcdShardMapEvent}s on.
 * Messages carry the key, versions, revisions and errors, never memcache keys or values.
 */
export const ETCD_SHARD_MAP_CHANNEL = "godropbox-ts:memcache:etcd-shard-map";
const channel = diagnostics_channel.channel(ETCD_SHARD_MAP_CHANNEL);

/**
 * etcd3 client options the manager passes through when it creates its client from `endpoints`:
 * everything of etcd3's `IOptions` but `hosts` (that is `endpoints`).
 */
export type EtcdClientOptions = Omit<IOptions, "hosts">;

/** Options of {@link EtcdShardManager.create}. */
export interface EtcdShardManagerOptions extends ShardManagerOptions {
	/**
	 * etcd client URLs (`http://host:2379`, or `https://` for TLS). Ignored with `client`. One of
	 * the two is required.
	 */
	readonly endpoints?: readonly string[] | undefined;
	/**
	 * An etcd3 client to use instead of `endpoints`. Not closed by the manager. Its own fault
	 * handling applies (the manager's `requestTimeoutMs` still bounds each read).
	 */
	readonly client?: Etcd3 | undefined;
	/**
	 * etcd3 options for the client the manager creates from `endpoints` (ignored with
	 * `client`): TLS in `credentials` (`rootCertificate` = the CA's PEM, and `certChain` +
	 * `privateKey` for a client certificate), authentication in `auth` (`username`, `password`),
	 * `grpcOptions`, `defaultCallOptions`, `faultHandling`. Shallow-merged over the manager's own:
	 * `dialTimeout` (= `requestTimeoutMs`) and a watch reconnect backoff of 100 ms doubling to 2 s
	 * (kept unless `faultHandling.watchBackoff` is given).
	 *
	 * @example
	 * ```ts
	 * etcdOptions: {
	 *   credentials: { rootCertificate: readFileSync("/etc/etcd/ca.pem") },
	 *   auth: { username: "shards-reader", password: process.env.ETCD_PASSWORD ?? "" },
	 * }
	 * ```
	 * @defaultValue `{}`
	 */
	readonly etcdOptions?: EtcdClientOptions | undefined;
	/** The etcd key holding the shard map. @defaultValue {@link DEFAULT_SHARD_MAP_KEY} */
	readonly key?: string | undefined;
	/** `(key, numShards) → shard id`. @defaultValue hash2's consistent hash (as StaticShardManager) */
	readonly shardFunction?: ShardFunction | undefined;
	/**
	 * Every `checkIntervalMs` the manager re-reads the key with a linearizable read: it proves etcd
	 * still has quorum (staleness) and catches any change a watch missed. @defaultValue 1000
	 */
	readonly checkIntervalMs?: number | undefined;
	/** Deadline of each etcd read, in ms. @defaultValue 2000 */
	readonly requestTimeoutMs?: number | undefined;
	/**
	 * The map is reported stale when etcd has not confirmed it (a successful read or a watch
	 * event) for this long, in ms. @defaultValue 5000
	 */
	readonly staleAfterMs?: number | undefined;
	/**
	 * How long {@link EtcdShardManager.create} keeps retrying the first read, in ms. Ignored with
	 * `initialShards` (one attempt, then it resolves). @defaultValue 10000
	 */
	readonly startTimeoutMs?: number | undefined;
	/**
	 * `"host:port"` per shard, all Active, served until the first map is read from etcd (then
	 * replaced whole). Lets a process start while etcd is down; it reports stale meanwhile.
	 * Without it, `create()` fails when etcd does not answer.
	 */
	readonly initialShards?: readonly string[] | undefined;
	/** Clock for staleness, in ms. @defaultValue `Date.now` */
	readonly now?: (() => number) | undefined;
}

/** Fully resolved defaults of {@link EtcdShardManagerOptions}. */
export const DEFAULT_ETCD_SHARD_MANAGER_OPTIONS = Object.freeze({
	key: DEFAULT_SHARD_MAP_KEY,
	checkIntervalMs: 1000,
	requestTimeoutMs: 2000,
	staleAfterMs: 5000,
	startTimeoutMs: 10_000,
});

/** A snapshot of an {@link EtcdShardManager}'s state (see {@link EtcdShardManager.stats}). */
export interface EtcdShardMapStats {
	readonly key: string;
	/** `version` of the applied map; 0 before any (or while serving `initialShards`). */
	readonly mapVersion: number;
	/** etcd mod_revision of the applied map; 0 before any. */
	readonly mapRevision: number;
	/** Number of shards served. */
	readonly shards: number;
	/** True when etcd has not confirmed the map for `staleAfterMs`, or none was read yet. */
	readonly stale: boolean;
	/** `now()` of the last successful read or watch event; 0 if none. */
	readonly lastConfirmedAt: number;
	/** Milliseconds since `lastConfirmedAt` (Infinity if never). */
	readonly sinceConfirmedMs: number;
	/** Maps applied (the first included). */
	readonly applied: number;
	/** Maps rejected (malformed, missing key, version not increasing). */
	readonly rejected: number;
	/** Failed etcd reads. */
	readonly readFailures: number;
	/** Times the watch stream broke. */
	readonly watchLost: number;
	/** Times it came back (each followed by a re-read). */
	readonly watchRestored: number;
	/** The last rejection or read failure, if any. */
	readonly lastError: EtcdShardMapError | undefined;
}

/** Messages on {@link ETCD_SHARD_MAP_CHANNEL}. */
export type EtcdShardMapEvent =
	| {
			readonly type: "applied";
			readonly key: string;
			readonly version: number;
			readonly revision: number;
			readonly shards: number;
	  }
	| {
			readonly type: "rejected";
			readonly key: string;
			readonly revision: number;
			readonly error: EtcdShardMapError;
	  }
	| {
			readonly type: "stale";
			readonly key: string;
			readonly version: number;
			readonly sinceConfirmedMs: number;
			readonly error: EtcdShardMapError | undefined;
	  }
	| { readonly type: "fresh"; readonly key: string; readonly version: number }
	| {
			readonly type: "watch-lost";
			readonly key: string;
			readonly error: unknown;
	  }
	| { readonly type: "watch-restored"; readonly key: string };

interface Resolved {
	key: string;
	checkIntervalMs: number;
	requestTimeoutMs: number;
	staleAfterMs: number;
	startTimeoutMs: number;
	now: () => number;
}

function positive(name: string, v: number | undefined, d: number): number {
	if (v === undefined) return d;
	if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
		throw new InvalidArgumentError(
			`EtcdShardManager: ${name} must be a positive number of milliseconds`,
		);
	return v;
}

/**
 * A shard manager whose shard list lives in etcd: it reads the map at one key, watches it, and
 * applies every new version through {@link BaseShardManager.updateShardStates} in one swap.
 *
 * The stored map is authoritative: shard id = index in `shards`, the whole list (addresses,
 * states, count) replaces the previous one. A malformed map, a deleted key or a version that does
 * not increase is rejected and the previous map stays in force. While etcd cannot confirm the map
 * (members down, no quorum) the manager keeps serving the last map and reports `stale`.
 *
 * Import from `@godropbox-ts/memcache/etcd`; it needs the optional peer dependency `etcd3`.
 *
 * @example
 * ```ts
 * await using manager = await EtcdShardManager.create({ endpoints: ["http://127.0.0.1:2379"] });
 * const client = new ShardedClient(manager);
 * ```
 */
export class EtcdShardManager extends BaseShardManager {
	readonly #client: Etcd3;
	readonly #ownsClient: boolean;
	/** The options of the client we created (undefined with a user's `client`). */
	readonly #clientOptions: IOptions | undefined;
	readonly #o: Resolved;
	#watcher: Watcher | undefined;
	#watchDown = false;
	#timer: NodeJS.Timeout | undefined;
	#rewatchTimer: NodeJS.Timeout | undefined;
	#syncing: Promise<void> | undefined;
	#closing: Promise<void> | undefined;
	#mapVersion = 0;
	#mapRevision = 0;
	#rejectedRevision = 0;
	#missingReported = false;
	#lastConfirmedAt = 0;
	#stale = true;
	#applied = 0;
	#rejected = 0;
	#readFailures = 0;
	#watchLost = 0;
	#watchRestored = 0;
	#lastError: EtcdShardMapError | undefined;

	/**
	 * Reads the map (retrying for `startTimeoutMs`), applies it and starts watching.
	 *
	 * @throws {@link InvalidArgumentError} on bad options
	 * @throws {@link ShardMapUnavailableError} / {@link ShardMapNotFoundError} /
	 *   {@link InvalidShardMapError} when no valid map could be read in time (without `initialShards`)
	 * @throws {@link ShardMapAccessDeniedError} at once (no retries) when etcd refuses the client:
	 *   TLS handshake or authentication failed (without `initialShards`)
	 */
	static async create(
		options: EtcdShardManagerOptions,
	): Promise<EtcdShardManager> {
		const m = new EtcdShardManager(options);
		try {
			await m.#start(options.initialShards !== undefined);
		} catch (err) {
			await m.close();
			throw err;
		}
		return m;
	}

	/** Use {@link EtcdShardManager.create}. */
	protected constructor(options: EtcdShardManagerOptions) {
		if (options === null || typeof options !== "object")
			throw new InvalidArgumentError(
				"EtcdShardManager.create: options { endpoints } required",
			);
		const {
			client,
			endpoints,
			shardFunction,
			initialShards,
			pool,
			connectionOptions,
			onError,
		} = options;
		if (
			client === undefined &&
			(!Array.isArray(endpoints) || endpoints.length === 0)
		)
			throw new InvalidArgumentError(
				"EtcdShardManager: pass endpoints (etcd client URLs) or an etcd3 client",
			);
		const key = options.key ?? DEFAULT_SHARD_MAP_KEY;
		if (typeof key !== "string" || key === "")
			throw new InvalidArgumentError(
				"EtcdShardManager: key must be a non-empty string",
			);
		super(shardFunction ?? consistentHashShardFunction, {
			pool,
			connectionOptions,
			onError,
		});
		const d = DEFAULT_ETCD_SHARD_MANAGER_OPTIONS;
		this.#o = {
			key,
			checkIntervalMs: positive(
				"checkIntervalMs",
				options.checkIntervalMs,
				d.checkIntervalMs,
			),
			requestTimeoutMs: positive(
				"requestTimeoutMs",
				options.requestTimeoutMs,
				d.requestTimeoutMs,
			),
			staleAfterMs: positive(
				"staleAfterMs",
				options.staleAfterMs,
				d.staleAfterMs,
			),
			startTimeoutMs: positive(
				"startTimeoutMs",
				options.startTimeoutMs,
				d.startTimeoutMs,
			),
			now: options.now ?? Date.now,
		};
		if (initialShards !== undefined)
			this.updateShardStates(
				initialShards.map((address) => ({
					address,
					state: ShardState.Active,
				})),
			);
		this.#ownsClient = client === undefined;
		this.#clientOptions =
			client === undefined
				? clientOptions(endpoints ?? [], this.#o, options.etcdOptions)
				: undefined;
		this.#client = client ?? new Etcd3(this.#clientOptions as IOptions);
	}

	/** The etcd key of the map. */
	get key(): string {
		return this.#o.key;
	}

	/** True when etcd has not confirmed the served map for `staleAfterMs` (or never did). */
	get stale(): boolean {
		return this.#computeStale();
	}

	/** A snapshot of the manager's state. */
	get stats(): EtcdShardMapStats {
		const since =
			this.#lastConfirmedAt === 0
				? Number.POSITIVE_INFINITY
				: this.#o.now() - this.#lastConfirmedAt;
		return {
			key: this.#o.key,
			mapVersion: this.#mapVersion,
			mapRevision: this.#mapRevision,
			shards: this.shardStates().length,
			stale: this.#computeStale(),
			lastConfirmedAt: this.#lastConfirmedAt,
			sinceConfirmedMs: since,
			applied: this.#applied,
			rejected: this.#rejected,
			readFailures: this.#readFailures,
			watchLost: this.#watchLost,
			watchRestored: this.#watchRestored,
			lastError: this.#lastError,
		};
	}

	/**
	 * Re-reads the map now (linearizable) and applies it if newer. Resolves when done.
	 *
	 * @throws {@link ShardMapUnavailableError} when etcd does not answer in `requestTimeoutMs`
	 * @throws {@link EtcdShardManagerClosedError} after `close()`
	 */
	async refresh(): Promise<void> {
		if (this.#closing !== undefined)
			throw new EtcdShardManagerClosedError(this.#o.key);
		await this.#sync(true);
	}

	/**
	 * Stops watching, clears the timer, closes the etcd client it created and the default pool.
	 * The served map stays readable. Idempotent.
	 */
	override close(): Promise<void> {
		this.#closing ??= (async () => {
			if (this.#timer !== undefined) clearInterval(this.#timer);
			if (this.#rewatchTimer !== undefined) clearTimeout(this.#rewatchTimer);
			this.#timer = undefined;
			this.#rewatchTimer = undefined;
			const w = this.#watcher;
			this.#watcher = undefined;
			if (w !== undefined) {
				w.removeAllListeners();
				w.on("error", () => {});
				// cancel() waits for etcd's reply; a dead stream must not hold close() forever.
				await withTimeout(w.cancel(), this.#o.requestTimeoutMs).catch(() => {});
			}
			await this.#syncing?.catch(() => {});
			if (this.#ownsClient) this.#client.close();
			await super.close();
		})();
		return this.#closing;
	}

	/** Calls {@link EtcdShardManager.close}. */
	async [Symbol.asyncDispose](): Promise<void> {
		await this.close();
	}

	async #start(lenient: boolean): Promise<void> {
		const deadline = this.#o.now() + this.#o.startTimeoutMs;
		let revision: number | undefined;
		let probed = false;
		for (;;) {
			try {
				revision = await this.#read(true);
				if (this.#mapRevision === 0 && !lenient)
					throw this.#lastError ?? new ShardMapNotFoundError(this.#o.key);
				break;
			} catch (e) {
				let err = e;
				// etcd3 loses a TLS failure's reason when auth is on: one handshake names it.
				if (
					!probed &&
					!lenient &&
					err instanceof ShardMapUnavailableError &&
					this.#clientOptions !== undefined
				) {
					probed = true;
					const tls = await probeTls(
						this.#clientOptions,
						this.#o.requestTimeoutMs,
					);
					if (tls !== undefined) {
						err = new ShardMapAccessDeniedError(this.#o.key, "tls", tls, err);
						this.#lastError = err as ShardMapAccessDeniedError;
					}
				}
				if (lenient) break;
				// Wrong CA or password: retrying until startTimeoutMs would only delay the answer.
				if (
					err instanceof ShardMapAccessDeniedError ||
					this.#closing !== undefined ||
					this.#o.now() >= deadline
				)
					throw err;
				await sleep(Math.min(250, this.#o.startTimeoutMs));
			}
		}
		this.#watch(revision);
		this.#timer = setInterval(() => {
			this.#sync(false).catch(() => {});
		}, this.#o.checkIntervalMs);
		this.#timer.unref();
	}

	/** One read at a time; the periodic check skips a tick while one runs. */
	#sync(wait: boolean): Promise<void> {
		if (this.#syncing !== undefined)
			return wait ? this.#syncing : Promise.resolve();
		const p = this.#read(false).then(
			() => {},
			(err: unknown) => {
				this.#checkStale();
				throw err;
			},
		);
		this.#syncing = p.finally(() => {
			this.#syncing = undefined;
		});
		this.#syncing.catch(() => {});
		return p;
	}

	/** Linearizable read of the key; applies it; returns the header revision. */
	async #read(throwInvalid: boolean): Promise<number> {
		let res: Awaited<ReturnType<ReturnType<Etcd3["get"]>["exec"]>>;
		try {
			res = await withTimeout(
				this.#client
					.get(this.#o.key)
					.options({ deadline: Date.now() + this.#o.requestTimeoutMs })
					.exec(),
				this.#o.requestTimeoutMs + 500,
			);
		} catch (err) {
			this.#readFailures++;
			const e = etcdCallError(this.#o.key, this.#o.requestTimeoutMs, err);
			this.#lastError = e;
			throw e;
		}
		if (this.#closing !== undefined) return 0;
		this.#confirm();
		const kv = res.kvs[0];
		const headerRevision = Number(res.header.revision);
		if (kv === undefined) {
			this.#consider(undefined, headerRevision);
		} else this.#consider(kv.value, Number(kv.mod_revision));
		if (throwInvalid && this.#mapRevision === 0 && this.#lastError)
			throw this.#lastError;
		return headerRevision;
	}

	#watch(fromRevision: number | undefined): void {
		if (this.#closing !== undefined) return;
		let b = this.#client.watch().key(this.#o.key);
		if (fromRevision !== undefined)
			b = b.startRevision(String(fromRevision + 1));
		// `watcher()` (not `create()`, which resolves only once connected) hands the Watcher over
		// at once, so close() can cancel a watch that never connected (etcd3 attaches it in the
		// constructor and connects asynchronously).
		const w = b.watcher();
		this.#watcher = w;
		w.on("put", (kv) => {
			this.#confirm();
			this.#consider(kv.value, Number(kv.mod_revision));
		});
		w.on("delete", (kv) => {
			this.#confirm();
			this.#consider(undefined, Number(kv.mod_revision));
		});
		w.on("disconnected", (err) => {
			if (this.#watchDown) return;
			this.#watchDown = true;
			this.#watchLost++;
			publish({ type: "watch-lost", key: this.#o.key, error: err });
		});
		w.on("connected", () => {
			if (!this.#watchDown) return;
			this.#watchDown = false;
			this.#watchRestored++;
			publish({ type: "watch-restored", key: this.#o.key });
			// etcd3 resumes the stream after the last revision it delivered; the read
			// closes any gap (e.g. a compaction in between) at once.
			this.#sync(false).catch(() => {});
		});
		w.on("error", (err) => {
			// The server cancelled the watch (e.g. its start revision was compacted):
			// start a new one after a fresh read.
			this.#watchLost++;
			publish({ type: "watch-lost", key: this.#o.key, error: err });
			if (this.#watcher === w) this.#watcher = undefined;
			w.removeAllListeners();
			// etcd3 has already detached a watcher the server cancelled: nothing to cancel.
			w.on("error", () => {});
			this.#rewatch();
		});
	}

	#rewatch(): void {
		if (this.#closing !== undefined || this.#rewatchTimer !== undefined) return;
		this.#rewatchTimer = setTimeout(() => {
			this.#rewatchTimer = undefined;
			if (this.#closing !== undefined) return;
			this.#read(false).then(
				(rev) => this.#watch(rev),
				() => this.#rewatch(),
			);
		}, 500);
		this.#rewatchTimer.unref();
	}

	#confirm(): void {
		this.#lastConfirmedAt = this.#o.now();
		if (this.#stale && this.#mapRevision !== 0) {
			this.#stale = false;
			publish({ type: "fresh", key: this.#o.key, version: this.#mapVersion });
		}
	}

	#computeStale(): boolean {
		return (
			this.#mapRevision === 0 ||
			this.#lastConfirmedAt === 0 ||
			this.#o.now() - this.#lastConfirmedAt >= this.#o.staleAfterMs
		);
	}

	#checkStale(): void {
		if (this.#stale || !this.#computeStale()) return;
		this.#stale = true;
		publish({
			type: "stale",
			key: this.#o.key,
			version: this.#mapVersion,
			sinceConfirmedMs: this.#o.now() - this.#lastConfirmedAt,
			error: this.#lastError,
		});
	}

	/** Applies the value at `revision` if newer than the map in force; else rejects it. */
	#consider(value: Uint8Array | undefined, revision: number): void {
		if (this.#closing !== undefined) return;
		if (revision <= this.#mapRevision || revision <= this.#rejectedRevision)
			return;
		const key = this.#o.key;
		if (value === undefined) {
			// Report a missing key once, not at every periodic read.
			if (this.#missingReported) return;
			this.#missingReported = true;
		} else this.#missingReported = false;
		try {
			if (value === undefined) throw new ShardMapNotFoundError(key);
			const map = parseShardMap(value, key, revision);
			if (this.#mapRevision !== 0 && map.version <= this.#mapVersion)
				throw new InvalidShardMapError(
					key,
					`version ${map.version} is not greater than the applied version ${this.#mapVersion} (every write must increment it)`,
					revision,
				);
			try {
				this.updateShardStates(toShardStates(map));
			} catch (err) {
				throw new InvalidShardMapError(key, (err as Error).message, revision, {
					cause: err,
				});
			}
			this.#mapVersion = map.version;
			this.#mapRevision = revision;
			this.#applied++;
			publish({
				type: "applied",
				key,
				version: map.version,
				revision,
				shards: map.shards.length,
			});
			if (this.#stale && !this.#computeStale()) {
				this.#stale = false;
				publish({ type: "fresh", key, version: map.version });
			}
		} catch (err) {
			const e = err as EtcdShardMapError;
			this.#rejectedRevision = revision;
			this.#rejected++;
			this.#lastError = e;
			publish({ type: "rejected", key, revision, error: e });
		}
	}
}

function publish(event: EtcdShardMapEvent): void {
	if (channel.hasSubscribers) channel.publish(event);
}

function clientOptions(
	endpoints: readonly string[],
	o: Resolved,
	extra: EtcdClientOptions | undefined,
): IOptions {
	// A short, capped reconnect backoff for the watch stream (etcd3's default grows to 30 s).
	const backoff = (ms: number) => ({
		duration: ms,
		next: () => backoff(Math.min(ms * 2, 2000)),
	});
	return {
		dialTimeout: o.requestTimeoutMs,
		...extra,
		hosts: [...endpoints],
		faultHandling: { watchBackoff: backoff(100), ...extra?.faultHandling },
	};
}

function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
	let t: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
	});
	return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
