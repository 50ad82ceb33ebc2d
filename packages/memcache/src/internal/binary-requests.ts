// Request objects of the binary protocol. godropbox: memcache/raw_binary_client.go.
import { type MemcacheError, ProtocolError } from "../errors.js";
import {
	newCountErrorResponse,
	newGetErrorResponse,
	newGetResponse,
	newMutateErrorResponse,
} from "../responses.js";
import { ResponseStatus } from "../status.js";
import type { CountResponse, GetResponse, MutateResponse } from "../types.js";
import {
	decodeCount,
	decodeGet,
	decodeMutate,
	decodeStatus,
	encodeConcat,
	encodeCounter,
	encodeDelete,
	encodeFlush,
	encodeGet,
	encodeNoop,
	encodeStat,
	encodeStore,
	encodeVerbosity,
	encodeVersion,
	expectFrame,
	frameKeyText,
	frameLength,
	frameOpaque,
	frameOpcode,
	frameStatus,
	frameValueText,
	HEADER_LENGTH,
	Opcode,
} from "./binary-codec.js";
import { PendingRequest } from "./request.js";
import { ProtocolViolation } from "./violation.js";
import type { Writer } from "./writer.js";

/** Returns the complete frame length at `off`, or a "need" code for {@link PendingRequest.parse}. */
function completeFrame(buf: Buffer, off: number): number {
	const total = frameLength(buf, off);
	if (total < 0) return total;
	return buf.length - off >= total ? total : -total;
}

/** GET of one key. */
export class BinaryGet extends PendingRequest<GetResponse> {
	#opaque = 0;
	constructor(
		readonly key: string,
		readonly keyLength: number,
	) {
		super();
	}
	write(w: Writer, opaque: number): number {
		this.#opaque = opaque;
		encodeGet(w, this.key, this.keyLength, opaque, Opcode.Get);
		return 1;
	}
	parse(buf: Buffer, off: number): number {
		const n = completeFrame(buf, off);
		if (n <= 0) return n;
		expectFrame(buf, off, Opcode.Get, this.#opaque);
		this.finish(decodeGet(buf, off, this.key));
		return n;
	}
	fail(error: MemcacheError): void {
		this.finish(newGetErrorResponse(this.key, error));
	}
}

/**
 * A multi-get: one GETQ per distinct key, then a NOOP. memcached answers only hits (and errors
 * other than a miss) and then the NOOP, in order; every key without a frame before the NOOP is
 * a miss. Frames carry opaque = base + index, verified on every reply.
 */
export class BinaryGetBatch extends PendingRequest<GetResponse[]> {
	#base = 0;
	#next = 0;
	readonly #results: GetResponse[];
	constructor(
		readonly keys: readonly string[],
		readonly keyLengths: readonly number[],
	) {
		super();
		this.#results = new Array<GetResponse>(keys.length);
	}
	write(w: Writer, opaque: number): number {
		this.#base = opaque;
		const n = this.keys.length;
		for (let i = 0; i < n; i++)
			encodeGet(
				w,
				this.keys[i] as string,
				this.keyLengths[i] as number,
				(opaque + i) >>> 0,
				Opcode.GetQ,
			);
		encodeNoop(w, (opaque + n) >>> 0);
		return n + 1;
	}
	#missUntil(end: number): void {
		for (let i = this.#next; i < end; i++)
			this.#results[i] = newGetResponse(
				this.keys[i] as string,
				ResponseStatus.KeyNotFound,
			);
	}
	parse(buf: Buffer, off: number): number {
		const n = completeFrame(buf, off);
		if (n <= 0) return n;
		const count = this.keys.length;
		const idx = (frameOpaque(buf, off) - this.#base) >>> 0;
		const op = frameOpcode(buf, off);
		if (op === Opcode.NoOp) {
			if (idx !== count)
				throw new ProtocolViolation(
					`NOOP opaque ${frameOpaque(buf, off)} does not match the batch`,
				);
			this.#missUntil(count);
			this.finish(this.#results);
			return n;
		}
		if (op !== Opcode.GetQ)
			throw new ProtocolViolation(`Invalid response op code: ${op}`);
		if (idx < this.#next || idx >= count)
			throw new ProtocolViolation(
				`Response opaque ${frameOpaque(buf, off)} does not match any outstanding key`,
			);
		this.#missUntil(idx);
		this.#results[idx] = decodeGet(buf, off, this.keys[idx] as string);
		this.#next = idx + 1;
		return n;
	}
	fail(error: MemcacheError): void {
		for (let i = this.#next; i < this.keys.length; i++)
			this.#results[i] = newGetErrorResponse(this.keys[i] as string, error);
		this.finish(this.#results);
	}
}

/** One write in a {@link BinaryMutateBatch}. */
export interface BinaryMutation {
	readonly opcode: number;
	readonly key: string;
	readonly keyLength: number;
	readonly value?: Uint8Array | undefined;
	readonly flags?: number | undefined;
	readonly expiration?: number | undefined;
	readonly cas?: bigint | undefined;
}

/**
 * Pipelined writes (set/add/replace/append/prepend/delete), non-quiet so every reply carries
 * the new CAS; matched by position and verified by opcode and opaque.
 */
export class BinaryMutateBatch extends PendingRequest<MutateResponse[]> {
	#base = 0;
	readonly #results: MutateResponse[] = [];
	constructor(readonly ops: readonly BinaryMutation[]) {
		super();
	}
	write(w: Writer, opaque: number): number {
		const ops = this.ops;
		this.#base = opaque;
		for (let i = 0; i < ops.length; i++) {
			const op = ops[i] as BinaryMutation;
			const o = (opaque + i) >>> 0;
			switch (op.opcode) {
				case Opcode.Delete:
					encodeDelete(w, op.key, op.keyLength, o);
					break;
				case Opcode.Append:
				case Opcode.Prepend:
					encodeConcat(
						w,
						op.opcode,
						op.key,
						op.keyLength,
						op.value as Uint8Array,
						o,
					);
					break;
				default:
					encodeStore(
						w,
						op.opcode,
						op.key,
						op.keyLength,
						op.value as Uint8Array,
						op.flags ?? 0,
						op.expiration ?? 0,
						op.cas ?? 0n,
						o,
					);
			}
		}
		return ops.length;
	}
	parse(buf: Buffer, off: number): number {
		const n = completeFrame(buf, off);
		if (n <= 0) return n;
		const i = this.#results.length;
		const op = this.ops[i] as BinaryMutation;
		expectFrame(buf, off, op.opcode, (this.#base + i) >>> 0);
		this.#results.push(decodeMutate(buf, off, op.key));
		if (this.#results.length === this.ops.length) this.finish(this.#results);
		return n;
	}
	fail(error: MemcacheError): void {
		for (let i = this.#results.length; i < this.ops.length; i++)
			this.#results.push(
				newMutateErrorResponse((this.ops[i] as BinaryMutation).key, error),
			);
		this.finish(this.#results);
	}
}

/** INCREMENT / DECREMENT. */
export class BinaryCounter extends PendingRequest<CountResponse> {
	#opaque = 0;
	constructor(
		readonly opcode: number,
		readonly key: string,
		readonly keyLength: number,
		readonly delta: bigint,
		readonly initValue: bigint,
		readonly expiration: number,
		readonly address: string,
	) {
		super();
	}
	write(w: Writer, opaque: number): number {
		this.#opaque = opaque;
		encodeCounter(
			w,
			this.opcode,
			this.key,
			this.keyLength,
			this.delta,
			this.initValue,
			this.expiration,
			opaque,
		);
		return 1;
	}
	parse(buf: Buffer, off: number): number {
		const n = completeFrame(buf, off);
		if (n <= 0) return n;
		expectFrame(buf, off, this.opcode, this.#opaque);
		const r = decodeCount(buf, off, this.key);
		this.finish(
			typeof r === "string"
				? newCountErrorResponse(this.key, new ProtocolError(r, this.address))
				: r,
		);
		return n;
	}
	fail(error: MemcacheError): void {
		this.finish(newCountErrorResponse(this.key, error));
	}
}

/** A request answered by one status-only frame (flush, verbosity), or one text value (version). */
export class BinarySimple extends PendingRequest<
	{ status: number; text: string } | MemcacheError
> {
	#opaque = 0;
	constructor(
		readonly opcode: number,
		readonly arg: number,
	) {
		super();
	}
	write(w: Writer, opaque: number): number {
		this.#opaque = opaque;
		if (this.opcode === Opcode.Flush) encodeFlush(w, this.arg, opaque);
		else if (this.opcode === Opcode.Verbosity)
			encodeVerbosity(w, this.arg, opaque);
		else encodeVersion(w, opaque);
		return 1;
	}
	parse(buf: Buffer, off: number): number {
		const n = completeFrame(buf, off);
		if (n <= 0) return n;
		expectFrame(buf, off, this.opcode, this.#opaque);
		const status = decodeStatus(buf, off);
		this.finish({
			status,
			text: this.opcode === Opcode.Version ? frameValueText(buf, off) : "",
		});
		return n;
	}
	fail(error: MemcacheError): void {
		this.finish(error);
	}
}

/**
 * STAT: one frame per entry, ended by a frame with empty key and value. A frame with a non-zero
 * status also ends the stream (memcached sends nothing after it; godropbox marks the client
 * invalid here, we keep the connection since it is in sync).
 */
export class BinaryStat extends PendingRequest<{
	status: number;
	entries: Map<string, string>;
	error?: MemcacheError;
}> {
	#opaque = 0;
	readonly #entries = new Map<string, string>();
	constructor(
		readonly group: string,
		readonly groupLength: number,
	) {
		super();
	}
	write(w: Writer, opaque: number): number {
		this.#opaque = opaque;
		encodeStat(w, this.group, this.groupLength, opaque);
		return 1;
	}
	parse(buf: Buffer, off: number): number {
		const n = completeFrame(buf, off);
		if (n <= 0) return n;
		expectFrame(buf, off, Opcode.Stat, this.#opaque);
		if (buf[off + 4] !== 0)
			throw new ProtocolViolation(
				"Not all bytes are consumed by extras fields",
			);
		const status = frameStatus(buf, off);
		if (status !== 0) {
			this.finish({ status, entries: this.#entries });
			return n;
		}
		if (n === HEADER_LENGTH) {
			this.finish({ status: 0, entries: this.#entries });
			return n;
		}
		this.#entries.set(frameKeyText(buf, off), frameValueText(buf, off));
		return n;
	}
	fail(error: MemcacheError): void {
		this.finish({
			status: ResponseStatus.ClientError,
			entries: this.#entries,
			error,
		});
	}
}
