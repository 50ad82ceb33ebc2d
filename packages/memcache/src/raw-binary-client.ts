import net from "node:net";
import {
	ConnectionError,
	type MemcacheError,
	NotSupportedError,
	ServerErrorReply,
	TimeoutError,
} from "./errors.js";
import { Opcode } from "./internal/binary-codec.js";
import {
	BinaryCounter,
	BinaryGet,
	BinaryGetBatch,
	BinaryMutateBatch,
	type BinaryMutation,
	BinarySimple,
	BinaryStat,
} from "./internal/binary-requests.js";
import {
	RawClientBase,
	type ValidMutation,
} from "./internal/raw-client-base.js";
import type { PendingRequest } from "./internal/request.js";
import { parseAddress } from "./internal/transports.js";
import { LARGE_MAX_VALUE_LENGTH } from "./internal/validate.js";
import type { RawClientOptions } from "./options.js";
import type { CountResponse, GetResponse, MutateResponse } from "./types.js";

const STORE_OPCODES: Readonly<Record<string, number>> = {
	set: Opcode.Set,
	add: Opcode.Add,
	replace: Opcode.Replace,
	append: Opcode.Append,
	prepend: Opcode.Prepend,
	delete: Opcode.Delete,
};

/**
 * A memcached client for one server speaking the binary protocol over a few long-lived
 * pipelined connections (godropbox: memcache/raw_binary_client.go).
 *
 * Differences from godropbox: requests are pipelined (many per connection) and carry an
 * `opaque` that every reply must echo; multi-gets use GETQ + NOOP; binary `verbosity`, which
 * memcached 1.6 does not implement, is sent as the ascii `verbosity` command on a separate
 * short-lived connection.
 *
 * @example
 * ```ts
 * await using client = new RawBinaryClient({ address: "127.0.0.1:11211" });
 * await client.set({ key: "k", value: Buffer.from("v") });
 * const r = await client.get("k"); // r.value = <Buffer 76>
 * ```
 */
export class RawBinaryClient extends RawClientBase {
	/**
	 * @throws {@link InvalidArgumentError} (ERR_MEMCACHE_INVALID_ARGUMENT) on bad options.
	 */
	constructor(options: RawClientOptions) {
		super(options);
	}

	/** A binary client accepting values up to 5 MiB (godropbox `NewLargeRawBinaryClient`). */
	static large(options: RawClientOptions): RawBinaryClient {
		return new RawBinaryClient({
			maxValueLength: LARGE_MAX_VALUE_LENGTH,
			...options,
		});
	}

	protected getRequest(
		key: string,
		keyLength: number,
	): PendingRequest<GetResponse> {
		return new BinaryGet(key, keyLength);
	}

	protected getBatchRequest(
		keys: string[],
		keyLengths: number[],
	): PendingRequest<GetResponse[]> {
		return new BinaryGetBatch(keys, keyLengths);
	}

	protected refuseMutation(): MemcacheError | undefined {
		return undefined;
	}

	protected mutateRequest(
		ops: ValidMutation[],
	): PendingRequest<MutateResponse[]> {
		const out: BinaryMutation[] = new Array<BinaryMutation>(ops.length);
		for (let i = 0; i < ops.length; i++) {
			const m = ops[i] as ValidMutation;
			// casMulti: CAS 0 → add (create only), else a CAS set (godropbox: CasMulti).
			const opcode =
				m.kind === "cas"
					? m.cas === 0n
						? Opcode.Add
						: Opcode.Set
					: (STORE_OPCODES[m.kind] as number);
			out[i] = {
				opcode,
				key: m.key,
				keyLength: m.keyLength,
				value: m.value,
				flags: m.flags,
				expiration: m.expiration,
				cas: m.cas,
			};
		}
		return new BinaryMutateBatch(out);
	}

	protected counterRequest(
		increment: boolean,
		key: string,
		keyLength: number,
		delta: bigint,
		initValue: bigint,
		expiration: number,
	): PendingRequest<CountResponse> {
		return new BinaryCounter(
			increment ? Opcode.Increment : Opcode.Decrement,
			key,
			keyLength,
			delta,
			initValue,
			expiration,
			this.address,
		);
	}

	protected simpleRequest(
		kind: "flush" | "version" | "verbosity",
		arg: number,
	):
		| PendingRequest<{ status: number; text: string } | MemcacheError>
		| Promise<{ status: number; text: string } | MemcacheError>
		| MemcacheError {
		if (kind === "verbosity") return this.#asciiVerbosity(arg);
		return new BinarySimple(
			kind === "flush" ? Opcode.Flush : Opcode.Version,
			arg,
		);
	}

	protected statRequest(group: string) {
		return new BinaryStat(group, Buffer.byteLength(group));
	}

	/**
	 * memcached 1.6 answers binary VERBOSITY only after swallowing 4 more bytes (spec §5.8), which
	 * would stall or desynchronise a pipelined connection. Send the ascii command on a separate
	 * short-lived connection instead; with a caller-owned socket there is no address to dial.
	 */
	#asciiVerbosity(
		level: number,
	): Promise<{ status: number; text: string } | MemcacheError> | MemcacheError {
		if (this.options.socket !== undefined)
			return new NotSupportedError(
				"binary verbosity is not supported by memcached 1.6 and this client has no address to open an ascii side connection",
			);
		return sideVerbosity(this.address, level, this.options.timeout || 1000);
	}
}

/** Runs the ascii `verbosity` command on its own short-lived connection. */
function sideVerbosity(
	address: string,
	level: number,
	timeoutMs: number,
): Promise<{ status: number; text: string } | MemcacheError> {
	return new Promise((resolve) => {
		const { host, port } = parseAddress(address);
		const socket = net.connect({ host, port });
		let reply = "";
		let settled = false;
		const done = (
			r: { status: number; text: string } | MemcacheError,
		): void => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			socket.destroy();
			resolve(r);
		};
		const timer = setTimeout(
			() => done(new TimeoutError(address, timeoutMs)),
			timeoutMs,
		).unref();
		socket.on("connect", () => socket.write(`verbosity ${level}\r\n`));
		socket.setEncoding("latin1");
		socket.on("data", (d: string) => {
			reply += d;
			if (!reply.includes("\r\n")) return;
			const line = reply.slice(0, reply.indexOf("\r\n"));
			done(
				line === "OK"
					? { status: 0, text: "" }
					: new ServerErrorReply(line, address),
			);
		});
		socket.on("error", (e) =>
			done(
				new ConnectionError(
					`verbosity: cannot reach ${address}: ${e.message}`,
					address,
					e,
				),
			),
		);
	});
}
