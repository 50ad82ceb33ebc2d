// Request objects of the meta protocol. One class, MetaPipeline, carries any number of meta
// commands ("ops") and matches their replies by opaque token (`O`); ops know how to encode
// themselves and how to turn a reply into a response.
import { type MemcacheError, ServerErrorReply } from "../errors.js";
import {
	newMetaGetResponse,
	newMetaMutateResponse,
} from "../meta-responses.js";
import type {
	MetaDeleteOptions,
	MetaGetOptions,
	MetaGetResponse,
	MetaKey,
	MetaMutateResponse,
	MetaSetOptions,
} from "../meta-types.js";
import {
	newCountErrorResponse,
	newCountResponse,
	newGetErrorResponse,
	newGetResponse,
	newMutateErrorResponse,
	newMutateResponse,
} from "../responses.js";
import { ResponseStatus } from "../status.js";
import type { CountResponse, GetResponse, MutateResponse } from "../types.js";
import { parseU64 } from "./ascii-codec.js";
import { AsciiStats } from "./ascii-requests.js";
import {
	decodeMetaReply,
	encodeMetaCommand,
	encodeMetaNoop,
	encodeMetaSet,
	type MetaKeyToken,
	type MetaReply,
} from "./meta-codec.js";
import type { ValidMutation } from "./raw-client-base.js";
import { PendingRequest } from "./request.js";
import { ProtocolViolation } from "./violation.js";
import type { Writer } from "./writer.js";

/** One meta command inside a {@link MetaPipeline}. */
export interface MetaOp<T> {
	/** Writes the command; `tail` (" O12" or " q O12") goes at the end of its flags. */
	encode(w: Writer, tail: string): void;
	/** The response for a reply; throws ProtocolViolation for a code this command never gets. */
	fromReply(r: MetaReply): T;
	/** The response for an error line or a failed connection. */
	fromError(error: MemcacheError): T;
	/** The response when a quiet command got no reply (quiet suppresses the common outcome). */
	silent(): T;
}

function unexpected(cmd: string, r: MetaReply): never {
	throw new ProtocolViolation(`Unexpected ${r.code} reply to ${cmd}`);
}

/**
 * A pipeline of meta commands sent back to back. Each command carries a fresh opaque token
 * (`O<n>`, n from the connection's counter) and every reply must echo the expected one, else the
 * connection is destroyed — a reply can never reach the wrong caller.
 *
 * Not quiet: one reply per command, in order. Quiet (`q` + a trailing `mn`): the server sends
 * only the uncommon outcomes (hits for mg; failures for ms/md) and then `MN`; commands without a
 * reply get {@link MetaOp.silent}. Error lines carry no opaque: in quiet mode an error line is
 * charged to every silent command between the replies around it (we cannot tell which one
 * failed), so a caller never mistakes an unknown outcome for a miss or a success.
 */
export class MetaPipeline<T, R = T[]> extends PendingRequest<R> {
	readonly #ops: readonly MetaOp<T>[];
	readonly #quiet: boolean;
	readonly #address: string;
	readonly #map: (results: T[]) => R;
	readonly #results: (T | undefined)[];
	#base = 0;
	#next = 0;
	#pendingError: MemcacheError | undefined;

	constructor(
		ops: readonly MetaOp<T>[],
		quiet: boolean,
		address: string,
		map: (results: T[]) => R,
	) {
		super();
		this.#ops = ops;
		this.#quiet = quiet;
		this.#address = address;
		this.#map = map;
		this.#results = new Array<T | undefined>(ops.length);
	}

	write(w: Writer, opaque: number): number {
		this.#base = opaque;
		const ops = this.#ops;
		const q = this.#quiet ? " q O" : " O";
		for (let i = 0; i < ops.length; i++)
			(ops[i] as MetaOp<T>).encode(w, q + ((opaque + i) >>> 0));
		if (this.#quiet) encodeMetaNoop(w);
		return ops.length;
	}

	#index(r: MetaReply): number {
		const o = r.opaque;
		if (o === undefined)
			throw new ProtocolViolation(`${r.code} reply without the opaque token`);
		const i = (o - this.#base) >>> 0;
		if (Number.isNaN(o) || o > 0xffffffff || i >= this.#ops.length)
			throw new ProtocolViolation(
				`Reply carries opaque ${o}, not one of this request's`,
			);
		return i;
	}

	parse(buf: Buffer, off: number): number {
		const r = decodeMetaReply(buf, off);
		if (typeof r === "number") return r;
		const ops = this.#ops;
		if (!this.#quiet) {
			const i = this.#next;
			const op = ops[i] as MetaOp<T>;
			if (r.code === "ERR")
				this.#results[i] = op.fromError(
					new ServerErrorReply(r.text, this.#address),
				);
			else {
				if (r.code === "MN") unexpected("a non-quiet meta command", r);
				if (this.#index(r) !== i)
					throw new ProtocolViolation(
						`Reply carries opaque ${r.opaque}, expected ${(this.#base + i) >>> 0}`,
					);
				this.#results[i] = op.fromReply(r);
			}
			this.#next = i + 1;
			if (this.#next === ops.length)
				this.finish(this.#map(this.#results as T[]));
			return r.consumed;
		}
		if (r.code === "ERR") {
			this.#pendingError ??= new ServerErrorReply(r.text, this.#address);
			return r.consumed;
		}
		if (r.code === "MN") {
			this.#settleSilent(ops.length);
			this.finish(this.#map(this.#results as T[]));
			return r.consumed;
		}
		const i = this.#index(r);
		if (i < this.#next)
			throw new ProtocolViolation(
				`Reply with opaque ${r.opaque} out of order or repeated`,
			);
		this.#settleSilent(i);
		this.#results[i] = (ops[i] as MetaOp<T>).fromReply(r);
		this.#next = i + 1;
		return r.consumed;
	}

	/** Settles commands [next, end) that got no reply: silent, or the pending error line. */
	#settleSilent(end: number): void {
		const error = this.#pendingError;
		this.#pendingError = undefined;
		for (let j = this.#next; j < end; j++) {
			const op = this.#ops[j] as MetaOp<T>;
			this.#results[j] =
				error === undefined ? op.silent() : op.fromError(error);
		}
		this.#next = end;
	}

	fail(error: MemcacheError): void {
		// A quiet batch is only trustworthy once MN arrived: before that, a reply with a wrong
		// opaque may already have been taken for another command's reply (and its silent
		// neighbours for misses). So a failed quiet batch reports the error for every command.
		// Non-quiet replies were each checked against their exact opaque and are kept.
		for (let i = 0; i < this.#ops.length; i++)
			if (this.#quiet || this.#results[i] === undefined)
				this.#results[i] = (this.#ops[i] as MetaOp<T>).fromError(error);
		this.finish(this.#map(this.#results as T[]));
	}
}

/** Unwraps a one-command pipeline. */
export function first<T>(results: T[]): T {
	return results[0] as T;
}

/** Identity for batch pipelines. */
export function all<T>(results: T[]): T[] {
	return results;
}

function plainKey(key: string, keyLength: number): MetaKeyToken {
	return { token: key, length: keyLength, base64: false };
}

// ---- the Client contract over meta commands ----

/** `mg <key> v f c` — get/gets. */
export class GetOp implements MetaOp<GetResponse> {
	readonly #key: string;
	readonly #token: MetaKeyToken;
	constructor(key: string, keyLength: number) {
		this.#key = key;
		this.#token = plainKey(key, keyLength);
	}
	encode(w: Writer, tail: string): void {
		encodeMetaCommand(w, "mg", this.#token, ` v f c${tail}`);
	}
	fromReply(r: MetaReply): GetResponse {
		if (r.code === "VA")
			return newGetResponse(this.#key, 0, r.flags ?? 0, r.value, r.cas ?? 0n);
		if (r.code === "EN")
			return newGetResponse(this.#key, ResponseStatus.KeyNotFound);
		return unexpected("mg", r);
	}
	fromError(error: MemcacheError): GetResponse {
		return newGetErrorResponse(this.#key, error);
	}
	silent(): GetResponse {
		return newGetResponse(this.#key, ResponseStatus.KeyNotFound);
	}
}

const MODES: Readonly<Record<string, string>> = {
	set: "",
	add: " ME",
	replace: " MR",
	append: " MA",
	prepend: " MP",
};

function storeStatus(cmd: string, r: MetaReply): number {
	switch (r.code) {
		case "HD":
			return ResponseStatus.NoError;
		case "NS":
			return ResponseStatus.ItemNotStored;
		case "EX":
			return ResponseStatus.KeyExists;
		case "NF":
			return ResponseStatus.KeyNotFound;
		default:
			return unexpected(cmd, r);
	}
}

/**
 * Flags of an `ms`: mode, client flags, TTL, CAS. Zero flags/TTL are omitted (protocol.txt:
 * "Sets flags to 0 if not supplied"; no T = no expiry).
 */
function storeFlags(
	mode: string,
	flags: number,
	expiration: number,
	cas: bigint,
	invalidate: boolean,
	wantCas: boolean,
): string {
	let s = mode;
	if (flags !== 0) s += ` F${flags}`;
	if (expiration !== 0) s += ` T${expiration}`;
	if (cas !== 0n) s += ` C${cas}`;
	if (invalidate) s += " I";
	if (wantCas) s += " c";
	return s;
}

/**
 * `ms` / `md` for the contract's writes. casMulti's "cas" kind is an add (`ME`) for CAS 0,
 * else a CAS set (godropbox: CasMulti). `wantCas` asks for the new CAS (`c`): single writes only,
 * since quiet batches suppress the `HD` line that would carry it.
 */
export class MutateOp implements MetaOp<MutateResponse> {
	readonly #m: ValidMutation;
	readonly #wantCas: boolean;
	constructor(m: ValidMutation, wantCas: boolean) {
		this.#m = m;
		this.#wantCas = wantCas;
	}
	encode(w: Writer, tail: string): void {
		const m = this.#m;
		const key = plainKey(m.key, m.keyLength);
		if (m.kind === "delete") {
			encodeMetaCommand(w, "md", key, tail);
			return;
		}
		const mode =
			m.kind === "cas"
				? m.cas === 0n
					? MODES.add
					: ""
				: (MODES[m.kind] as string);
		encodeMetaSet(
			w,
			key,
			m.value as Uint8Array,
			storeFlags(
				mode as string,
				m.flags,
				m.expiration,
				m.cas,
				false,
				this.#wantCas,
			) + tail,
		);
	}
	fromReply(r: MetaReply): MutateResponse {
		const status = storeStatus(this.#m.kind === "delete" ? "md" : "ms", r);
		return newMutateResponse(this.#m.key, status, r.cas ?? 0n);
	}
	fromError(error: MemcacheError): MutateResponse {
		return newMutateErrorResponse(this.#m.key, error);
	}
	silent(): MutateResponse {
		return newMutateResponse(this.#m.key, ResponseStatus.NoError);
	}
}

/**
 * `ma <key> [N<ttl> J<init>] D<delta> [MD] v` — increment/decrement with binary-protocol
 * semantics: expiration 0xFFFFFFFF = do not create; otherwise a missing key is created with
 * `initValue` (the delta is not applied, as in binary; checked on 1.6.18) and that TTL.
 */
export class CounterOp implements MetaOp<CountResponse> {
	constructor(
		readonly key: string,
		readonly keyLength: number,
		readonly increment: boolean,
		readonly delta: bigint,
		readonly initValue: bigint,
		readonly expiration: number | undefined,
	) {}
	encode(w: Writer, tail: string): void {
		let flags =
			this.expiration === undefined
				? ""
				: ` N${this.expiration} J${this.initValue}`;
		flags += ` D${this.delta}`;
		if (!this.increment) flags += " MD";
		encodeMetaCommand(
			w,
			"ma",
			plainKey(this.key, this.keyLength),
			`${flags} v${tail}`,
		);
	}
	fromReply(r: MetaReply): CountResponse {
		if (r.code === "VA") {
			const n = parseU64((r.value as Buffer).toString("latin1").trim());
			if (n < 0n)
				throw new ProtocolViolation("ma returned a non-numeric value");
			return newCountResponse(this.key, 0, n);
		}
		return newCountResponse(this.key, storeStatus("ma", r));
	}
	fromError(error: MemcacheError): CountResponse {
		// Binary parity: memcached's text reply for a non-numeric value becomes status 6.
		if (
			error instanceof ServerErrorReply &&
			error.line.startsWith(
				"CLIENT_ERROR cannot increment or decrement non-numeric value",
			)
		)
			return newCountResponse(
				this.key,
				ResponseStatus.IncrDecrOnNonNumericValue,
			);
		return newCountErrorResponse(this.key, error);
	}
	silent(): CountResponse {
		return newCountResponse(this.key, ResponseStatus.NoError);
	}
}

/** `stats [<group>]` (the text command; meta has no stats of its own). */
export class MetaStats extends AsciiStats {
	readonly #group: string;
	constructor(group: string, address: string) {
		super(address);
		this.#group = group;
	}
	override write(w: Writer): number {
		w.ascii(this.#group === "" ? "stats\r\n" : `stats ${this.#group}\r\n`);
		return 0;
	}
}

// ---- meta-only operations ----

/** `mg` with the caller's meta options; always asks for f, c, t, h, l. */
export class MetaGetOp implements MetaOp<MetaGetResponse> {
	readonly #key: MetaKey;
	readonly #token: MetaKeyToken;
	readonly #flags: string;
	constructor(key: MetaKey, token: MetaKeyToken, o: MetaGetOptions) {
		this.#key = key;
		this.#token = token;
		// The modifiers go first: 1.6.18 reports `t` as of its position in the flags, so
		// `mg k t N30` answers t-1 for the stub it has just created and `mg k N30 t` t30.
		let f = "";
		if (o.vivify !== undefined) f += ` N${o.vivify}`;
		if (o.recacheBelow !== undefined) f += ` R${o.recacheBelow}`;
		if (o.touch !== undefined) f += ` T${o.touch}`;
		if (o.noBump === true) f += " u";
		this.#flags = f + (o.value === false ? " f c t h l" : " v f c t h l");
	}
	encode(w: Writer, tail: string): void {
		encodeMetaCommand(w, "mg", this.#token, this.#flags + tail);
	}
	fromReply(r: MetaReply): MetaGetResponse {
		if (r.code === "EN") return this.silent();
		if (r.code !== "VA" && r.code !== "HD") return unexpected("mg", r);
		return {
			status: 0,
			error: undefined,
			key: this.#key,
			value: r.value,
			flags: r.flags ?? 0,
			dataVersionId: r.cas ?? 0n,
			ttl: r.ttl,
			hitBefore: r.hitBefore,
			lastAccess: r.lastAccess,
			win: r.win,
			stale: r.stale,
			otherWinner: r.winSent,
		};
	}
	fromError(error: MemcacheError): MetaGetResponse {
		return newMetaGetResponse(this.#key, error);
	}
	silent(): MetaGetResponse {
		return newMetaGetResponse(this.#key);
	}
}

/** `ms` with the caller's meta options; asks for the new CAS. */
export class MetaSetOp implements MetaOp<MetaMutateResponse> {
	readonly #key: MetaKey;
	readonly #token: MetaKeyToken;
	readonly #value: Uint8Array;
	readonly #flags: string;
	constructor(
		key: MetaKey,
		token: MetaKeyToken,
		value: Uint8Array,
		flags: number,
		expiration: number,
		cas: bigint,
		o: MetaSetOptions,
	) {
		this.#key = key;
		this.#token = token;
		this.#value = value;
		this.#flags = storeFlags(
			MODES[o.mode ?? "set"] as string,
			flags,
			expiration,
			cas,
			o.invalidate === true,
			true,
		);
	}
	encode(w: Writer, tail: string): void {
		encodeMetaSet(w, this.#token, this.#value, this.#flags + tail);
	}
	fromReply(r: MetaReply): MetaMutateResponse {
		return newMetaMutateResponse(this.#key, storeStatus("ms", r), r.cas ?? 0n);
	}
	fromError(error: MemcacheError): MetaMutateResponse {
		return newMetaMutateResponse(this.#key, 0, 0n, error);
	}
	silent(): MetaMutateResponse {
		return newMetaMutateResponse(this.#key, 0);
	}
}

/** `md` with the caller's meta options (CAS, invalidate, stale TTL). */
export class MetaDeleteOp implements MetaOp<MetaMutateResponse> {
	readonly #key: MetaKey;
	readonly #token: MetaKeyToken;
	readonly #flags: string;
	constructor(key: MetaKey, token: MetaKeyToken, o: MetaDeleteOptions) {
		this.#key = key;
		this.#token = token;
		let f = "";
		if (o.cas !== undefined && o.cas !== 0n) f += ` C${o.cas}`;
		if (o.invalidate === true) {
			f += " I";
			if (o.staleTtl !== undefined) f += ` T${o.staleTtl}`;
		}
		this.#flags = f;
	}
	encode(w: Writer, tail: string): void {
		encodeMetaCommand(w, "md", this.#token, this.#flags + tail);
	}
	fromReply(r: MetaReply): MetaMutateResponse {
		return newMetaMutateResponse(this.#key, storeStatus("md", r));
	}
	fromError(error: MemcacheError): MetaMutateResponse {
		return newMetaMutateResponse(this.#key, 0, 0n, error);
	}
	silent(): MetaMutateResponse {
		return newMetaMutateResponse(this.#key, 0);
	}
}
