import type net from "node:net";
import { InvalidArgumentError } from "./errors.js";
import type { ConnectionPoolLike } from "./internal/transports.js";
import { DEFAULT_MAX_VALUE_LENGTH } from "./internal/validate.js";

/** Options of {@link RawBinaryClient} and {@link RawAsciiClient}. */
export interface RawClientOptions {
	/**
	 * `"host:port"` of the server. Required unless `socket` is given. With `pool`, connections are
	 * borrowed from the pool for this address; otherwise the client dials them itself.
	 */
	readonly address?: string | undefined;
	/**
	 * A connected, caller-owned socket to use as the only connection. Never closed by the
	 * client; after a connection failure the client stops using it and every later call fails.
	 */
	readonly socket?: net.Socket | undefined;
	/** A net2 connection pool to borrow connections from (`pool.get("tcp", address)`). */
	readonly pool?: ConnectionPoolLike | undefined;
	/** The shard id reported in version/stat maps. @defaultValue 0 */
	readonly shardId?: number | undefined;
	/**
	 * Most pipelined connections kept open to the server; a new one is opened only when every
	 * open one has requests outstanding. @defaultValue 2
	 */
	readonly connections?: number | undefined;
	/**
	 * Per-request timeout in milliseconds, from the call to the complete reply. On expiry the
	 * connection is destroyed and every request on it fails with `TimeoutError`. 0 = none.
	 * @defaultValue 1000
	 */
	readonly timeout?: number | undefined;
	/** Milliseconds to establish a connection when the client dials itself. @defaultValue 1000 */
	readonly connectTimeout?: number | undefined;
	/**
	 * Largest value accepted client-side, in bytes (godropbox: 1 MiB; its "large" client 5 MiB).
	 * A default memcached (`-I 1m`) rejects values within ~100 bytes of 1 MiB itself.
	 * @defaultValue 1048576
	 */
	readonly maxValueLength?: number | undefined;
	/**
	 * Merge concurrent single `get`s issued in the same tick into one pipelined multi-get.
	 * @defaultValue true
	 */
	readonly coalesceGets?: boolean | undefined;
	/**
	 * Merge concurrent single writes (`set`, `add`, `replace`, `delete`) issued in the same tick
	 * into one pipelined, non-quiet batch: every caller still gets its own reply, including the
	 * new CAS. @defaultValue true
	 */
	readonly coalesceWrites?: boolean | undefined;
}

/** Defaults of {@link RawClientOptions}. */
export const DEFAULT_RAW_CLIENT_OPTIONS = Object.freeze({
	shardId: 0,
	connections: 2,
	timeout: 1000,
	connectTimeout: 1000,
	maxValueLength: DEFAULT_MAX_VALUE_LENGTH,
	coalesceGets: true,
	coalesceWrites: true,
});

/** @internal */
export interface ResolvedRawClientOptions {
	readonly address: string;
	readonly socket: net.Socket | undefined;
	readonly pool: ConnectionPoolLike | undefined;
	readonly shardId: number;
	readonly connections: number;
	readonly timeout: number;
	readonly connectTimeout: number;
	readonly maxValueLength: number;
	readonly coalesceGets: boolean;
	readonly coalesceWrites: boolean;
}

function nonNegativeInt(
	name: string,
	v: unknown,
	def: number,
	min = 0,
): number {
	if (v === undefined) return def;
	if (typeof v !== "number" || !Number.isInteger(v) || v < min)
		throw new InvalidArgumentError(
			`option ${name} must be an integer ≥ ${min}, got ${String(v)}`,
		);
	return v;
}

/** Merges and validates raw client options. @internal */
export function resolveRawClientOptions(
	o: RawClientOptions,
): ResolvedRawClientOptions {
	if (o === null || typeof o !== "object")
		throw new InvalidArgumentError("RawClient options must be an object");
	if (o.address === undefined && o.socket === undefined)
		throw new InvalidArgumentError(
			'RawClient needs an `address` ("host:port") or a `socket`',
		);
	if (o.address !== undefined && typeof o.address !== "string")
		throw new InvalidArgumentError(
			'option address must be a "host:port" string',
		);
	const d = DEFAULT_RAW_CLIENT_OPTIONS;
	const address =
		o.address ??
		(o.socket?.remoteAddress !== undefined
			? `${o.socket.remoteAddress}:${o.socket.remotePort}`
			: "socket");
	return {
		address,
		socket: o.socket,
		pool: o.pool,
		shardId: nonNegativeInt("shardId", o.shardId, d.shardId),
		connections:
			o.socket !== undefined
				? 1
				: nonNegativeInt("connections", o.connections, d.connections, 1),
		timeout: nonNegativeInt("timeout", o.timeout, d.timeout),
		connectTimeout: nonNegativeInt(
			"connectTimeout",
			o.connectTimeout,
			d.connectTimeout,
		),
		maxValueLength: nonNegativeInt(
			"maxValueLength",
			o.maxValueLength,
			d.maxValueLength,
		),
		coalesceGets: o.coalesceGets ?? d.coalesceGets,
		coalesceWrites: o.coalesceWrites ?? d.coalesceWrites,
	};
}
