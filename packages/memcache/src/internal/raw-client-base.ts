import {
	ClientClosedError,
	ConnectionError,
	InvalidArgumentError,
	InvalidKeyError,
	InvalidValueError,
	type MemcacheError,
	ProtocolError,
	TimeoutError,
} from "../errors.js";
import {
	type RawClientOptions,
	type ResolvedRawClientOptions,
	resolveRawClientOptions,
} from "../options.js";
import {
	newCountErrorResponse,
	newErrorResponse,
	newGetErrorResponse,
	newMutateErrorResponse,
	newResponse,
	newStatErrorResponse,
	newStatResponse,
	newVersionErrorResponse,
	newVersionResponse,
} from "../responses.js";
import { type ShardStats, ShardStatsRecorder } from "../stats.js";
import { ResponseStatus } from "../status.js";
import type {
	Client,
	CountResponse,
	GetResponse,
	Item,
	MutateResponse,
	RequestOptions,
	Response,
	StatResponse,
	VersionResponse,
} from "../types.js";
import {
	PipelinedConnection,
	type TransportFactory,
} from "./pipelined-connection.js";
import type { PendingRequest } from "./request.js";
import { withSignal } from "./signal.js";
import { dialFactory, poolFactory, socketFactory } from "./transports.js";
import { isUint32, isUint64, keyByteLength } from "./validate.js";

/** Kinds of single-key writes. `cas` is casMulti's choice: add when CAS is 0, else set. */
export type MutationKind =
	| "set"
	| "add"
	| "replace"
	| "cas"
	| "append"
	| "prepend"
	| "delete";

/** A validated write, ready for a protocol to encode. */
export interface ValidMutation {
	readonly kind: MutationKind;
	readonly key: string;
	readonly keyLength: number;
	readonly value: Uint8Array | undefined;
	readonly flags: number;
	readonly expiration: number;
	readonly cas: bigint;
}

type SimpleResult = { status: number; text: string } | MemcacheError;
type StatResult = {
	status: number;
	entries: Map<string, string>;
	error?: MemcacheError;
};

interface PendingGet {
	readonly key: string;
	readonly keyLength: number;
	readonly resolve: (r: GetResponse) => void;
}

/** Holds a key's place in a getMulti result map until its response arrives. */
const PLACEHOLDER = undefined as unknown as GetResponse;

function programmer(message: string): Promise<never> {
	return Promise.reject(new InvalidArgumentError(message));
}

/**
 * Shared machinery of the raw clients: a few long-lived pipelined connections to one server,
 * client-side validation, get coalescing, stats. Protocol classes supply the request objects.
 * @internal
 */
export abstract class RawClientBase implements Client {
	protected readonly options: ResolvedRawClientOptions;
	readonly #factory: TransportFactory;
	readonly #conns: PipelinedConnection[] = [];
	readonly #stats = new ShardStatsRecorder();
	#pendingGets: PendingGet[] | undefined;
	#pendingWrites: ValidMutation[] | undefined;
	#pendingWriteResolves: ((r: MutateResponse) => void)[] = [];
	#closed = false;
	#closing: Promise<void> | undefined;

	constructor(options: RawClientOptions) {
		this.options = resolveRawClientOptions(options);
		const o = this.options;
		this.#factory =
			o.socket !== undefined
				? socketFactory(o.socket, o.address)
				: o.pool !== undefined
					? poolFactory(o.pool, o.address)
					: dialFactory(o.address, o.connectTimeout);
	}

	/** The `"host:port"` this client talks to. */
	get address(): string {
		return this.options.address;
	}

	/** The shard id reported in version/stat maps. */
	get shardId(): number {
		return this.options.shardId;
	}

	/** Whether close() or destroy() was called. */
	get closed(): boolean {
		return this.#closed;
	}

	/** Counters and latency histogram of this client. */
	stats(): ShardStats {
		let pending = 0;
		for (const c of this.#conns) pending += c.pending;
		return this.#stats.snapshot(
			this.shardId,
			this.address,
			this.#conns.length,
			pending,
		);
	}

	/** @internal counts a key skipped by a sharded client */
	countSkipped(n: number): void {
		this.#stats.skipped += n;
	}

	// ---- protocol hooks ----
	protected abstract getRequest(
		key: string,
		keyLength: number,
	): PendingRequest<GetResponse>;
	protected abstract getBatchRequest(
		keys: string[],
		keyLengths: number[],
	): PendingRequest<GetResponse[]>;
	/** Returns a refusal error when the protocol cannot express this write. */
	protected abstract refuseMutation(
		m: ValidMutation,
	): MemcacheError | undefined;
	/**
	 * `coalesced`: the ops are concurrent single writes merged into one batch, so each reply must
	 * be what a single write returns (meta: non-quiet, with the new CAS).
	 */
	protected abstract mutateRequest(
		ops: ValidMutation[],
		coalesced?: boolean,
	): PendingRequest<MutateResponse[]>;
	protected abstract counterRequest(
		increment: boolean,
		key: string,
		keyLength: number,
		delta: bigint,
		initValue: bigint,
		expiration: number,
	): PendingRequest<CountResponse> | MemcacheError;
	protected abstract simpleRequest(
		kind: "flush" | "version" | "verbosity",
		arg: number,
	): PendingRequest<SimpleResult> | Promise<SimpleResult> | MemcacheError;
	protected abstract statRequest(
		group: string,
	): PendingRequest<StatResult> | MemcacheError;

	// ---- connections ----

	#connection(): PipelinedConnection {
		const conns = this.#conns;
		let best: PipelinedConnection | undefined;
		for (let i = 0; i < conns.length; i++) {
			const c = conns[i] as PipelinedConnection;
			if (!c.usable) continue;
			if (best === undefined || c.pending < best.pending) best = c;
		}
		if (
			best !== undefined &&
			(best.pending === 0 || conns.length >= this.options.connections)
		)
			return best;
		const conn = new PipelinedConnection(
			this.options.address,
			this.#factory,
			this.options.timeout,
			{
				onLatency: this.#stats.observe,
				onFailure: (_c, error) => {
					if (error instanceof TimeoutError) this.#stats.timeouts++;
					else if (error instanceof ProtocolError) this.#stats.protocolErrors++;
					else if (error instanceof ConnectionError)
						this.#stats.connectionErrors++;
				},
				onClosed: (c) => {
					const i = this.#conns.indexOf(c);
					if (i >= 0) this.#conns.splice(i, 1);
				},
			},
		);
		conns.push(conn);
		return conn;
	}

	/** Sends one request object on the least-loaded connection. */
	protected send<T>(req: PendingRequest<T>): Promise<T> {
		this.#stats.requests++;
		this.#connection().send(req);
		return req.promise;
	}

	#checkOpen(): Promise<never> | undefined {
		return this.#closed ? Promise.reject(new ClientClosedError()) : undefined;
	}

	// ---- gets ----

	get(key: string, options?: RequestOptions): Promise<GetResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (typeof key !== "string") return programmer("get: key must be a string");
		const kl = keyByteLength(key);
		if (kl < 0) {
			this.#stats.errors++;
			return Promise.resolve(
				newGetErrorResponse(key, new InvalidKeyError(key)),
			);
		}
		let p: Promise<GetResponse>;
		if (this.options.coalesceGets) {
			p = new Promise<GetResponse>((resolve) => {
				if (this.#pendingGets === undefined) {
					this.#pendingGets = [];
					process.nextTick(this.#flushGets);
				}
				this.#pendingGets.push({ key, keyLength: kl, resolve });
			});
		} else {
			p = this.send(this.getRequest(key, kl)).then(this.#countGet);
		}
		return withSignal(p, options?.signal);
	}

	#countGet = (r: GetResponse): GetResponse => {
		if (r.status === 0) this.#stats.hits++;
		else if (r.status === ResponseStatus.KeyNotFound) this.#stats.misses++;
		else this.#stats.errors++;
		return r;
	};

	#flushGets = (): void => {
		const list = this.#pendingGets;
		this.#pendingGets = undefined;
		if (list === undefined) return;
		if (list.length === 1) {
			const g = list[0] as PendingGet;
			this.send(this.getRequest(g.key, g.keyLength)).then((r) =>
				g.resolve(this.#countGet(r)),
			);
			return;
		}
		const index = new Map<string, number>();
		const keys: string[] = [];
		const lengths: number[] = [];
		for (const g of list) {
			if (!index.has(g.key)) {
				index.set(g.key, keys.length);
				keys.push(g.key);
				lengths.push(g.keyLength);
			}
		}
		const req =
			keys.length === 1 ? undefined : this.getBatchRequest(keys, lengths);
		const p: Promise<GetResponse[]> =
			req === undefined
				? this.send(
						this.getRequest(keys[0] as string, lengths[0] as number),
					).then((r) => [r])
				: this.send(req);
		p.then((results) => {
			for (const r of results) this.#countGet(r);
			for (const g of list)
				g.resolve(results[index.get(g.key) as number] as GetResponse);
		});
	};

	getMulti(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<Map<string, GetResponse>> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (!Array.isArray(keys))
			return programmer("getMulti: keys must be an array of strings");
		const out = new Map<string, GetResponse>();
		const sendKeys: string[] = [];
		const lengths: number[] = [];
		for (let i = 0; i < keys.length; i++) {
			const key = keys[i];
			if (typeof key !== "string")
				return programmer("getMulti: keys must be strings");
			const kl = keyByteLength(key);
			if (kl < 0) {
				if (!out.has(key)) {
					this.#stats.errors++;
					out.set(key, newGetErrorResponse(key, new InvalidKeyError(key)));
				}
				continue;
			}
			// Reserve the key's position (first-seen order) with a placeholder; a key seen before
			// leaves the size unchanged (one map operation instead of has + set).
			const size = out.size;
			out.set(key, PLACEHOLDER);
			if (out.size === size) continue;
			sendKeys.push(key);
			lengths.push(kl);
		}
		if (sendKeys.length === 0) return Promise.resolve(out);
		const collect = (results: GetResponse[]): Map<string, GetResponse> => {
			for (let i = 0; i < results.length; i++) {
				const r = results[i] as GetResponse;
				out.set(r.key, this.#countGet(r));
			}
			return out;
		};
		const p =
			sendKeys.length === 1
				? this.send(
						this.getRequest(sendKeys[0] as string, lengths[0] as number),
					).then((r) => collect([r]))
				: this.send(this.getBatchRequest(sendKeys, lengths)).then(collect);
		return withSignal(p, options?.signal);
	}

	getSentinels(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<Map<string, GetResponse>> {
		return this.getMulti(keys, options);
	}

	// ---- writes ----

	/** Validates one item; returns the mutation or an error response. */
	#validateItem(
		kind: MutationKind,
		item: Item | null | undefined,
	): ValidMutation | MutateResponse {
		if (item === null || item === undefined || typeof item !== "object")
			return newMutateErrorResponse(
				"",
				new InvalidValueError("", "item is nil"),
			);
		const { key, value } = item;
		if (typeof key !== "string")
			throw new InvalidArgumentError(`${kind}: item.key must be a string`);
		const flags = item.flags ?? 0;
		const expiration = item.expiration ?? 0;
		const cas = item.dataVersionId ?? 0n;
		if (!isUint32(flags))
			throw new InvalidArgumentError(`${kind}: item.flags must be a uint32`);
		if (!isUint32(expiration))
			throw new InvalidArgumentError(
				`${kind}: item.expiration must be a uint32 (seconds)`,
			);
		if (!isUint64(cas))
			throw new InvalidArgumentError(
				`${kind}: item.dataVersionId must be a uint64 bigint`,
			);
		return this.#validate(kind, key, value, flags, expiration, cas);
	}

	#validate(
		kind: MutationKind,
		key: string,
		value: Uint8Array | undefined,
		flags: number,
		expiration: number,
		cas: bigint,
	): ValidMutation | MutateResponse {
		const kl = keyByteLength(key);
		if (kl < 0) return newMutateErrorResponse(key, new InvalidKeyError(key));
		if (kind !== "delete") {
			if (value === null || value === undefined)
				return newMutateErrorResponse(
					key,
					new InvalidValueError(key, "Invalid value: cannot be nil"),
				);
			if (!(value instanceof Uint8Array))
				throw new InvalidArgumentError(
					`${kind}: value must be a Uint8Array/Buffer`,
				);
			if (value.length > this.options.maxValueLength)
				return newMutateErrorResponse(
					key,
					new InvalidValueError(
						key,
						`Invalid value: length ${value.length} longer than max length ${this.options.maxValueLength} (option: maxValueLength)`,
					),
				);
		}
		const m: ValidMutation = {
			kind,
			key,
			keyLength: kl,
			value,
			flags,
			expiration,
			cas,
		};
		const refusal = this.refuseMutation(m);
		return refusal === undefined ? m : newMutateErrorResponse(key, refusal);
	}

	#mutate(
		ms: (ValidMutation | MutateResponse)[],
		signal: AbortSignal | undefined,
	): Promise<MutateResponse[]> {
		const ops: ValidMutation[] = [];
		for (const m of ms) if ("kind" in m) ops.push(m);
		if (ops.length === 0) {
			this.#stats.errors += ms.length;
			return Promise.resolve(ms as MutateResponse[]);
		}
		const p = this.send(this.mutateRequest(ops)).then((results) => {
			if (results.length === ms.length) {
				for (const r of results)
					if (r.error !== undefined) this.#stats.errors++;
				return results;
			}
			const out: MutateResponse[] = new Array<MutateResponse>(ms.length);
			let j = 0;
			for (let i = 0; i < ms.length; i++) {
				const m = ms[i] as ValidMutation | MutateResponse;
				const r = "kind" in m ? (results[j++] as MutateResponse) : m;
				if (r.error !== undefined) this.#stats.errors++;
				out[i] = r;
			}
			return out;
		});
		return withSignal(p, signal);
	}

	#single(
		kind: MutationKind,
		item: Item,
		options: RequestOptions | undefined,
	): Promise<MutateResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		let m: ValidMutation | MutateResponse;
		try {
			m = this.#validateItem(kind, item);
		} catch (err) {
			return Promise.reject(err);
		}
		if (!("kind" in m)) {
			this.#stats.errors++;
			return Promise.resolve(m);
		}
		return this.#one(m, options?.signal);
	}

	/** One validated single write: sent now, or queued for this tick's coalesced batch. */
	#one(
		m: ValidMutation,
		signal: AbortSignal | undefined,
	): Promise<MutateResponse> {
		if (!this.options.coalesceWrites)
			// One mutation: one promise layer over the request (no batch re-assembly).
			return withSignal(
				this.send(this.mutateRequest([m])).then(this.#firstMutation),
				signal,
			);
		return withSignal(
			new Promise<MutateResponse>((resolve) => {
				if (this.#pendingWrites === undefined) {
					this.#pendingWrites = [];
					process.nextTick(this.#flushWrites);
				}
				this.#pendingWrites.push(m);
				this.#pendingWriteResolves.push(resolve);
			}),
			signal,
		);
	}

	#flushWrites = (): void => {
		const ops = this.#pendingWrites;
		const resolves = this.#pendingWriteResolves;
		this.#pendingWrites = undefined;
		this.#pendingWriteResolves = [];
		if (ops === undefined) return;
		if (ops.length === 1) {
			const resolve = resolves[0] as (r: MutateResponse) => void;
			this.send(this.mutateRequest(ops)).then((r) =>
				resolve(this.#firstMutation(r)),
			);
			return;
		}
		// Matched by position: the batch verifies each reply (opcode/opaque, or order) and fails
		// the whole batch with a typed error on any mismatch.
		this.send(this.mutateRequest(ops, true)).then((results) => {
			for (let i = 0; i < resolves.length; i++) {
				const r = results[i] as MutateResponse;
				if (r.error !== undefined) this.#stats.errors++;
				(resolves[i] as (r: MutateResponse) => void)(r);
			}
		});
	};

	#firstMutation = (results: MutateResponse[]): MutateResponse => {
		const r = results[0] as MutateResponse;
		if (r.error !== undefined) this.#stats.errors++;
		return r;
	};

	#multi(
		kind: MutationKind,
		items: readonly Item[],
		options: RequestOptions | undefined,
	): Promise<MutateResponse[]> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (!Array.isArray(items))
			return programmer(`${kind}Multi: items must be an array`);
		const ms: (ValidMutation | MutateResponse)[] = [];
		try {
			for (const item of items) ms.push(this.#validateItem(kind, item));
		} catch (err) {
			return Promise.reject(err);
		}
		return this.#mutate(ms, options?.signal);
	}

	set(item: Item, options?: RequestOptions): Promise<MutateResponse> {
		return this.#single("set", item, options);
	}
	setMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#multi("set", items, options);
	}
	setSentinels(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#multi("set", items, options);
	}
	casMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#multi("cas", items, options);
	}
	casSentinels(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#multi("cas", items, options);
	}
	add(item: Item, options?: RequestOptions): Promise<MutateResponse> {
		return this.#single("add", item, options);
	}
	addMulti(
		items: readonly Item[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		return this.#multi("add", items, options);
	}
	replace(item: Item, options?: RequestOptions): Promise<MutateResponse> {
		return this.#single("replace", item, options);
	}
	append(
		key: string,
		value: Uint8Array,
		options?: RequestOptions,
	): Promise<MutateResponse> {
		return this.#concat("append", key, value, options);
	}
	prepend(
		key: string,
		value: Uint8Array,
		options?: RequestOptions,
	): Promise<MutateResponse> {
		return this.#concat("prepend", key, value, options);
	}
	#concat(
		kind: "append" | "prepend",
		key: string,
		value: Uint8Array,
		options: RequestOptions | undefined,
	): Promise<MutateResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (typeof key !== "string")
			return programmer(`${kind}: key must be a string`);
		let m: ValidMutation | MutateResponse;
		try {
			m = this.#validate(kind, key, value, 0, 0, 0n);
		} catch (err) {
			return Promise.reject(err);
		}
		return this.#mutate([m], options?.signal).then(
			(r) => r[0] as MutateResponse,
		);
	}
	delete(key: string, options?: RequestOptions): Promise<MutateResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (typeof key !== "string")
			return programmer("delete: key must be a string");
		const m = this.#validate("delete", key, undefined, 0, 0, 0n);
		if (!("kind" in m)) {
			this.#stats.errors++;
			return Promise.resolve(m);
		}
		return this.#one(m, options?.signal);
	}
	deleteMulti(
		keys: readonly string[],
		options?: RequestOptions,
	): Promise<MutateResponse[]> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (!Array.isArray(keys))
			return programmer("deleteMulti: keys must be an array of strings");
		const ms: (ValidMutation | MutateResponse)[] = [];
		for (const key of keys) {
			if (typeof key !== "string")
				return programmer("deleteMulti: keys must be strings");
			ms.push(this.#validate("delete", key, undefined, 0, 0, 0n));
		}
		return this.#mutate(ms, options?.signal);
	}

	// ---- counters ----

	increment(
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
		options?: RequestOptions,
	): Promise<CountResponse> {
		return this.#counter(true, key, delta, initValue, expiration, options);
	}
	decrement(
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
		options?: RequestOptions,
	): Promise<CountResponse> {
		return this.#counter(false, key, delta, initValue, expiration, options);
	}
	#counter(
		increment: boolean,
		key: string,
		delta: bigint,
		initValue: bigint,
		expiration: number,
		options: RequestOptions | undefined,
	): Promise<CountResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		const name = increment ? "increment" : "decrement";
		if (typeof key !== "string")
			return programmer(`${name}: key must be a string`);
		if (!isUint64(delta))
			return programmer(`${name}: delta must be a uint64 bigint`);
		if (!isUint64(initValue))
			return programmer(`${name}: initValue must be a uint64 bigint`);
		if (!isUint32(expiration))
			return programmer(`${name}: expiration must be a uint32`);
		const kl = keyByteLength(key);
		if (kl < 0) {
			this.#stats.errors++;
			return Promise.resolve(
				newCountErrorResponse(key, new InvalidKeyError(key)),
			);
		}
		const req = this.counterRequest(
			increment,
			key,
			kl,
			delta,
			initValue,
			expiration,
		);
		if (!("promise" in req)) {
			this.#stats.errors++;
			return Promise.resolve(newCountErrorResponse(key, req));
		}
		return withSignal(
			this.send(req).then((r) => {
				if (r.error !== undefined) this.#stats.errors++;
				return r;
			}),
			options?.signal,
		);
	}

	// ---- broadcast-style ops (one server here) ----

	#simple(
		kind: "flush" | "version" | "verbosity",
		arg: number,
		signal: AbortSignal | undefined,
	) {
		const req = this.simpleRequest(kind, arg);
		if (req instanceof Promise) return withSignal(req, signal);
		if (!("promise" in req)) return Promise.resolve(req as SimpleResult);
		return withSignal(this.send(req), signal);
	}

	flush(expiration: number, options?: RequestOptions): Promise<Response> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (!isUint32(expiration))
			return programmer("flush: expiration must be a uint32 (seconds)");
		return this.#simple("flush", expiration, options?.signal).then((r) =>
			"status" in r ? newResponse(r.status) : newErrorResponse(r),
		);
	}

	verbosity(level: number, options?: RequestOptions): Promise<Response> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (!isUint32(level))
			return programmer("verbosity: level must be a uint32");
		return this.#simple("verbosity", level, options?.signal).then((r) =>
			"status" in r ? newResponse(r.status) : newErrorResponse(r),
		);
	}

	version(options?: RequestOptions): Promise<VersionResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		return this.#simple("version", 0, options?.signal).then((r) => {
			if (!("status" in r)) return newVersionErrorResponse(r);
			const versions = new Map<number, string>();
			if (r.status === 0) versions.set(this.shardId, r.text);
			return newVersionResponse(r.status, versions);
		});
	}

	stat(statsKey: string, options?: RequestOptions): Promise<StatResponse> {
		const closed = this.#checkOpen();
		if (closed) return closed;
		if (typeof statsKey !== "string")
			return programmer("stat: statsKey must be a string");
		if (statsKey !== "" && keyByteLength(statsKey) < 0)
			return Promise.resolve(
				newStatErrorResponse(new InvalidKeyError(statsKey)),
			);
		const req = this.statRequest(statsKey);
		if (!("promise" in req)) return Promise.resolve(newStatErrorResponse(req));
		return withSignal(this.send(req), options?.signal).then((r) => {
			const entries = new Map([
				[this.shardId, r.entries as ReadonlyMap<string, string>],
			]);
			return r.error !== undefined
				? newStatErrorResponse(r.error, entries)
				: newStatResponse(r.status, entries);
		});
	}

	// ---- lifecycle ----

	/** Stops taking calls, lets outstanding ones finish, then releases the connections. */
	close(): Promise<void> {
		if (this.#closing !== undefined) return this.#closing;
		this.#closed = true;
		this.#closing = new Promise<void>((resolve) => {
			// Let gets and writes coalesced in this tick go out first.
			process.nextTick(() => {
				Promise.all([...this.#conns].map((c) => c.close())).then(() =>
					resolve(),
				);
			});
		});
		return this.#closing;
	}

	/** Fails every outstanding call with `ClientClosedError` and discards the connections now. */
	destroy(err?: Error): Promise<void> {
		this.#closed = true;
		const error = new ClientClosedError("memcache client destroyed", err);
		for (const c of [...this.#conns]) c.destroy(error);
		const writes = this.#pendingWrites;
		const writeResolves = this.#pendingWriteResolves;
		this.#pendingWrites = undefined;
		this.#pendingWriteResolves = [];
		if (writes !== undefined)
			for (let i = 0; i < writes.length; i++)
				(writeResolves[i] as (r: MutateResponse) => void)(
					newMutateErrorResponse((writes[i] as ValidMutation).key, error),
				);
		const pending = this.#pendingGets;
		this.#pendingGets = undefined;
		if (pending !== undefined)
			for (const g of pending) g.resolve(newGetErrorResponse(g.key, error));
		this.#closing ??= Promise.resolve();
		return this.#closing;
	}

	[Symbol.asyncDispose](): Promise<void> {
		return this.close();
	}
}
