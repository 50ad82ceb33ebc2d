import { type MemcacheError, NotSupportedError } from "./errors.js";
import {
	AsciiCounter,
	AsciiGets,
	AsciiMutateBatch,
	type AsciiMutation,
	AsciiSimple,
	AsciiStats,
} from "./internal/ascii-requests.js";
import {
	RawClientBase,
	type ValidMutation,
} from "./internal/raw-client-base.js";
import { PendingRequest } from "./internal/request.js";
import { NO_CREATE_EXPIRATION } from "./internal/validate.js";
import type { RawClientOptions } from "./options.js";
import type { CountResponse, GetResponse, MutateResponse } from "./types.js";

/**
 * A memcached client for one server speaking the text (ascii) protocol over a few long-lived
 * pipelined connections (godropbox: memcache/raw_ascii_client.go).
 *
 * The text protocol cannot express some requests; these are refused client-side (nothing is
 * sent, the response carries a `NotSupportedError`): a CAS on add/replace/append/prepend,
 * increment/decrement unless `expiration` is `0xFFFFFFFF` (no seed value), and `stat` of a named
 * group.
 *
 * @example
 * ```ts
 * await using client = new RawAsciiClient({ address: "127.0.0.1:11211" });
 * await client.set({ key: "k", value: Buffer.from("v") });
 * const r = await client.get("k"); // r.value = <Buffer 76>
 * ```
 */
export class RawAsciiClient extends RawClientBase {
	/**
	 * @throws {@link InvalidArgumentError} (ERR_MEMCACHE_INVALID_ARGUMENT) on bad options.
	 */
	constructor(options: RawClientOptions) {
		super(options);
	}

	protected getRequest(
		key: string,
		keyLength: number,
	): PendingRequest<GetResponse> {
		const req = new AsciiGets([key], [keyLength]);
		// A one-key gets: unwrap the single result without another request class.
		return new SingleGet(req);
	}

	protected getBatchRequest(
		keys: string[],
		keyLengths: number[],
	): PendingRequest<GetResponse[]> {
		return new AsciiGets(keys, keyLengths);
	}

	protected refuseMutation(m: ValidMutation): MemcacheError | undefined {
		if (m.cas !== 0n && (m.kind === "add" || m.kind === "replace"))
			return new NotSupportedError(
				`Ascii protocol does not support ${m.kind} with cas id`,
			);
		return undefined;
	}

	protected mutateRequest(
		ops: ValidMutation[],
	): PendingRequest<MutateResponse[]> {
		const out: AsciiMutation[] = new Array<AsciiMutation>(ops.length);
		for (let i = 0; i < ops.length; i++) {
			const m = ops[i] as ValidMutation;
			let cmd: string = m.kind;
			if (m.kind === "set" && m.cas !== 0n) cmd = "cas";
			else if (m.kind === "cas") cmd = m.cas === 0n ? "add" : "cas";
			out[i] = {
				cmd,
				key: m.key,
				keyLength: m.keyLength,
				value: m.value,
				flags: m.flags,
				expiration: m.expiration,
				cas: m.cas,
			};
		}
		return new AsciiMutateBatch(out, this.address);
	}

	protected counterRequest(
		increment: boolean,
		key: string,
		keyLength: number,
		delta: bigint,
		_initValue: bigint,
		expiration: number,
	): PendingRequest<CountResponse> | MemcacheError {
		if (expiration !== NO_CREATE_EXPIRATION)
			return new NotSupportedError(
				"Ascii protocol does not support initial value / expiration.  expiration must be set to 0xffffffff.",
			);
		return new AsciiCounter(
			increment ? "incr" : "decr",
			key,
			keyLength,
			delta,
			this.address,
		);
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
		if (group !== "")
			return new NotSupportedError(
				"Ascii protocol does not support specific stats lookup",
			);
		return new AsciiStats(this.address);
	}
}

/** Adapts a one-key {@link AsciiGets} to a single-result request. */
class SingleGet extends PendingRequest<GetResponse> {
	readonly #inner: AsciiGets;
	constructor(inner: AsciiGets) {
		super();
		this.#inner = inner;
		inner.promise.then((r) => this.finish(r[0] as GetResponse));
	}
	write(w: Parameters<AsciiGets["write"]>[0]): number {
		return this.#inner.write(w);
	}
	parse(buf: Buffer, off: number): number {
		const n = this.#inner.parse(buf, off);
		// Mark done synchronously so the reader dequeues us; the result arrives via the promise.
		if (this.#inner.done) this.done = true;
		return n;
	}
	fail(error: MemcacheError): void {
		this.#inner.fail(error);
		this.done = true;
	}
}
