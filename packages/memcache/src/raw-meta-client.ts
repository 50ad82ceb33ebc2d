import {
	ClientClosedError,
	InvalidArgumentError,
	InvalidKeyError,
	InvalidValueError,
	type MemcacheError,
} from "./errors.js";
import { AsciiGets, AsciiSimple } from "./internal/ascii-requests.js";
import { metaKeyToken } from "./internal/meta-codec.js";
import {
	all,
	CounterOp,
	first,
	GetOp,
	MetaDeleteOp,
	MetaGetOp,
	MetaPipeline,
	MetaSetOp,
	MetaStats,
	MutateOp,
} from "./internal/meta-requests.js";
import {
	RawClientBase,
	type ValidMutation,
} from "./internal/raw-client-base.js";
import type { PendingRequest } from "./internal/request.js";
import { withSignal } from "./internal/signal.js";
import {
	isUint32,
	isUint64,
	NO_CREATE_EXPIRATION,
} from "./internal/validate.js";
import { newMetaGetResponse, newMetaMutateResponse } from "./meta-responses.js";
import type {
	MetaDeleteOptions,
	MetaGetOptions,
	MetaGetResponse,
	MetaItem,
	MetaKey,
	MetaMutateResponse,
	MetaSetOptions,
} from "./meta-types.js";
import type { RawClientOptions } from "./options.js";
import type { CountResponse, GetResponse, MutateResponse } from "./types.js";

function reject(message: string): Promise<never> {
	return Promise.reject(new InvalidArgumentError(message));
}

function optionalUint32(name: string, v: unknown): string | undefined {
	return v === undefined || isUint32(v)
		? undefined
		: `${name} must be a uint32 (seconds)`;
}

/**
 * A memcached client for one server speaking the **meta** text protocol (`mg`, `ms`, `md`,
 * `ma`, `mn`; memcached ≥ 1.6) over a few long-lived pipelined connections — the protocol
 * memcached's maintainers recommend now that the binary one is deprecated.
 *
 * It implements the whole `Client` contract with the binary client's abilities (CAS on every
 * write, counters with a seed value and TTL, new CAS returned by single writes) and the text
 * client's status codes (`NS` = ItemNotStored). Every command carries an opaque token (`O`) that
 * its reply must echo; multi-key writes are sent quiet (`q`) and closed by `mn`, so the server
 * only answers failures. getMulti (and concurrent gets coalesced into one batch) use the text
 * `gets k1 k2 …`: one command, which memcached answers in one event-loop turn, where a pipeline
 * of `mg` is cut every `-R` (20) commands. flush/version/verbosity/stats use the plain text
 * commands on the same connection.
 *
 * The meta-only features are the `meta*` methods: leases against stampedes (vivify on miss with
 * a single winner), stale-while-revalidate (invalidating deletes), TTL update and inspection,
 * hit/last-access info, and keys of any bytes (sent base64 with `b`).
 *
 * @example
 * ```ts
 * await using client = new RawMetaClient({ address: "127.0.0.1:11211" });
 * const r = await client.metaGet("profile:42", { vivify: 30 });
 * if (r.win) await client.metaSet({ key: "profile:42", value: Buffer.from("…"), expiration: 300 });
 * ```
 */
export class RawMetaClient extends RawClientBase {
	/**
	 * @throws {@link InvalidArgumentError} (ERR_MEMCACHE_INVALID_ARGUMENT) on bad options.
	 */
	constructor(options: RawClientOptions) {
		super(options);
	}

	// ---- Client contract hooks ----

	protected getRequest(
		key: string,
		keyLength: number,
	): PendingRequest<GetResponse> {
		return new MetaPipeline(
			[new GetOp(key, keyLength)],
			false,
			this.address,
			first,
		);
	}

	/**
	 * getMulti and coalesced gets: one text `gets k1 k2 …` (valid on a meta connection) rather
	 * than a quiet `mg` per key + `mn`. memcached handles at most `-R` (default 20) commands per
	 * connection per event-loop turn, so 100 `mg` cost it five turns and the client five reply
	 * chunks, while one `gets` is answered in one. Same data back (value, flags, CAS); keys are
	 * echoed in the VALUE lines and matched, as in the ascii client.
	 */
	protected getBatchRequest(
		keys: string[],
		keyLengths: number[],
	): PendingRequest<GetResponse[]> {
		return new AsciiGets(keys, keyLengths);
	}

	protected refuseMutation(): MemcacheError | undefined {
		return undefined;
	}

	protected mutateRequest(
		ops: ValidMutation[],
		coalesced = false,
	): PendingRequest<MutateResponse[]> {
		// Single (or coalesced single) writes ask for the new CAS and are not quiet.
		const single = coalesced || ops.length === 1;
		const list = new Array<MutateOp>(ops.length);
		for (let i = 0; i < ops.length; i++)
			list[i] = new MutateOp(ops[i] as ValidMutation, single);
		return new MetaPipeline(list, !single, this.address, all);
	}

	protected counterRequest(
		increment: boolean,
		key: string,
		keyLength: number,
		delta: bigint,
		initValue: bigint,
		expiration: number,
	): PendingRequest<CountResponse> {
		const op = new CounterOp(
			key,
			keyLength,
			increment,
			delta,
			initValue,
			expiration === NO_CREATE_EXPIRATION ? undefined : expiration,
		);
		return new MetaPipeline([op], false, this.address, first);
	}

	protected simpleRequest(
		kind: "flush" | "version" | "verbosity",
		arg: number,
	) {
		return new AsciiSimple(
			kind === "flush" ? "flush_all" : kind,
			arg,
			this.address,
		);
	}

	protected statRequest(group: string) {
		return new MetaStats(group, this.address);
	}

	// ---- meta-only API ----

	/**
	 * Meta get (`mg`): the value plus flags, CAS, remaining TTL (`t`), hit-before (`h`) and
	 * last-access (`l`), and the lease flags `win` (W), `stale` (X), `otherWinner` (Z).
	 *
	 * Anti-stampede: call with `vivify: <lease seconds>`. On a miss exactly one caller (across
	 * every client of this server) gets `win: true` and should compute and `metaSet` the value;
	 * the others get an empty stub with `otherWinner: true` and should wait and retry (or serve
	 * something else) until the value is stored.
	 *
	 * @param key any string or bytes; see {@link MetaKey}
	 * @returns a response; a key that cannot be sent (empty, too long) gives an
	 *   `InvalidKeyError` (ERR_MEMCACHE_INVALID_KEY) response
	 * @throws {@link InvalidArgumentError} (rejects, ERR_MEMCACHE_INVALID_ARGUMENT) on a bad
	 *   option or key type
	 * @throws {@link ClientClosedError} (rejects) after close()/destroy()
	 */
	metaGet(
		key: MetaKey,
		options: MetaGetOptions = {},
	): Promise<MetaGetResponse> {
		if (this.closed) return Promise.reject(new ClientClosedError());
		if (typeof key !== "string" && !(key instanceof Uint8Array))
			return reject("metaGet: key must be a string or Uint8Array");
		const bad =
			optionalUint32("metaGet: vivify", options.vivify) ??
			optionalUint32("metaGet: recacheBelow", options.recacheBelow) ??
			optionalUint32("metaGet: touch", options.touch);
		if (bad !== undefined) return reject(bad);
		const token = metaKeyToken(key);
		if (token === undefined)
			return Promise.resolve(
				newMetaGetResponse(key, new InvalidKeyError(keyText(key))),
			);
		const op = new MetaGetOp(key, token, options);
		return withSignal(
			this.send(new MetaPipeline([op], false, this.address, first)),
			options.signal,
		);
	}

	/**
	 * Several {@link RawMetaClient.metaGet}s with the same options in one quiet pipelined batch
	 * (`mg … q` per key, then `mn`): one slot per key, in input order (duplicates kept). With
	 * `vivify` no key is a plain miss (each gets a stub and the lease flags), so every key is
	 * answered; without it misses stay silent and come back as `KeyNotFound`.
	 *
	 * @returns one response per key; a key that cannot be sent gives an `InvalidKeyError` response
	 * @throws {@link InvalidArgumentError} (rejects) on a bad option or key type
	 * @throws {@link ClientClosedError} (rejects) after close()/destroy()
	 */
	metaGetMulti(
		keys: readonly MetaKey[],
		options: MetaGetOptions = {},
	): Promise<MetaGetResponse[]> {
		if (this.closed) return Promise.reject(new ClientClosedError());
		if (!Array.isArray(keys))
			return reject("metaGetMulti: keys must be an array");
		const bad =
			optionalUint32("metaGetMulti: vivify", options.vivify) ??
			optionalUint32("metaGetMulti: recacheBelow", options.recacheBelow) ??
			optionalUint32("metaGetMulti: touch", options.touch);
		if (bad !== undefined) return reject(bad);
		const out = new Array<MetaGetResponse>(keys.length);
		const ops: MetaGetOp[] = [];
		const at: number[] = [];
		for (let i = 0; i < keys.length; i++) {
			const key = keys[i] as MetaKey;
			if (typeof key !== "string" && !(key instanceof Uint8Array))
				return reject("metaGetMulti: keys must be strings or Uint8Arrays");
			const token = metaKeyToken(key);
			if (token === undefined)
				out[i] = newMetaGetResponse(key, new InvalidKeyError(keyText(key)));
			else {
				ops.push(new MetaGetOp(key, token, options));
				at.push(i);
			}
		}
		if (ops.length === 0) return Promise.resolve(out);
		return withSignal(
			this.send(new MetaPipeline(ops, true, this.address, all)),
			options.signal,
		).then((rs) => {
			for (let j = 0; j < rs.length; j++)
				out[at[j] as number] = rs[j] as MetaGetResponse;
			return out;
		});
	}

	/**
	 * Meta set (`ms`): stores `item` in `options.mode` (set/add/replace/append/prepend), with a CAS
	 * check when `item.dataVersionId` is non-zero (`C`), and returns the new CAS (`c`). With
	 * `invalidate` and an older CAS the item is stored but marked stale (`I`).
	 *
	 * @returns NoError, ItemNotStored (add on an existing key, replace/append/prepend on a missing
	 *   one), KeyExists (CAS mismatch), KeyNotFound (CAS on a missing key), or an error response
	 * @throws {@link InvalidArgumentError} (rejects) on a bad item or option
	 * @throws {@link ClientClosedError} (rejects) after close()/destroy()
	 */
	metaSet(
		item: MetaItem,
		options: MetaSetOptions = {},
	): Promise<MetaMutateResponse> {
		if (this.closed) return Promise.reject(new ClientClosedError());
		if (item === null || typeof item !== "object")
			return reject("metaSet: item must be an object");
		const { key, value } = item;
		const flags = item.flags ?? 0;
		const expiration = item.expiration ?? 0;
		const cas = item.dataVersionId ?? 0n;
		if (typeof key !== "string" && !(key instanceof Uint8Array))
			return reject("metaSet: item.key must be a string or Uint8Array");
		if (!(value instanceof Uint8Array))
			return reject("metaSet: item.value must be a Uint8Array/Buffer");
		if (!isUint32(flags)) return reject("metaSet: item.flags must be a uint32");
		if (!isUint32(expiration))
			return reject("metaSet: item.expiration must be a uint32 (seconds)");
		if (!isUint64(cas))
			return reject("metaSet: item.dataVersionId must be a uint64 bigint");
		const mode = options.mode ?? "set";
		if (!["set", "add", "replace", "append", "prepend"].includes(mode))
			return reject(`metaSet: unknown mode ${String(mode)}`);
		const token = metaKeyToken(key);
		const error =
			token === undefined
				? new InvalidKeyError(keyText(key))
				: value.length > this.options.maxValueLength
					? new InvalidValueError(
							keyText(key),
							`Invalid value: length ${value.length} longer than max length ${this.options.maxValueLength} (option: maxValueLength)`,
						)
					: undefined;
		if (error !== undefined || token === undefined)
			return Promise.resolve(
				newMetaMutateResponse(key, 0, 0n, error as MemcacheError),
			);
		const op = new MetaSetOp(
			key,
			token,
			value,
			flags,
			expiration,
			cas,
			options,
		);
		return withSignal(
			this.send(new MetaPipeline([op], false, this.address, first)),
			options.signal,
		);
	}

	/**
	 * Meta delete (`md`): removes the item, or with `invalidate` marks it stale and bumps its CAS
	 * (stale-while-revalidate: readers keep getting the old value with `stale: true`, one of them
	 * `win: true`). `cas` makes it conditional; `staleTtl` bounds the stale item's life.
	 *
	 * @returns NoError, KeyNotFound, KeyExists (CAS mismatch), or an error response
	 * @throws {@link InvalidArgumentError} (rejects) on a bad option
	 * @throws {@link ClientClosedError} (rejects) after close()/destroy()
	 */
	metaDelete(
		key: MetaKey,
		options: MetaDeleteOptions = {},
	): Promise<MetaMutateResponse> {
		if (this.closed) return Promise.reject(new ClientClosedError());
		if (typeof key !== "string" && !(key instanceof Uint8Array))
			return reject("metaDelete: key must be a string or Uint8Array");
		if (options.cas !== undefined && !isUint64(options.cas))
			return reject("metaDelete: cas must be a uint64 bigint");
		const bad = optionalUint32("metaDelete: staleTtl", options.staleTtl);
		if (bad !== undefined) return reject(bad);
		const token = metaKeyToken(key);
		if (token === undefined)
			return Promise.resolve(
				newMetaMutateResponse(key, 0, 0n, new InvalidKeyError(keyText(key))),
			);
		const op = new MetaDeleteOp(key, token, options);
		return withSignal(
			this.send(new MetaPipeline([op], false, this.address, first)),
			options.signal,
		);
	}
}

function keyText(key: MetaKey): string {
	return typeof key === "string" ? key : Buffer.from(key).toString("base64");
}
