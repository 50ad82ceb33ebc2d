import type { NetConnectOpts, Socket } from "node:net";
import type { ConnectionOptions as TlsConnectionOptions } from "node:tls";
import { InvalidArgumentError } from "./errors.js";
import type { Network } from "./network.js";

/** What a {@link DialFunction} receives besides the network and address. */
export interface DialContext {
	/**
	 * Aborted when the pool gives up on this dial (`connectTimeout` elapsed, pool destroyed).
	 * A dial should then destroy its socket and reject.
	 */
	readonly signal: AbortSignal;
	/** The pool's `connectTimeout` in ms (0 = none). The pool enforces it either way. */
	readonly connectTimeout: number;
}

/**
 * Opens one connection. Resolves with a connected socket (`net.Socket` or `tls.TLSSocket`) or
 * rejects. The pool owns the socket from then on and destroys it when it is discarded.
 */
export type DialFunction = (
	network: Network,
	address: string,
	context: DialContext,
) => Promise<Socket>;

/**
 * Options of every connection pool. All limits are **per address**; durations are in
 * milliseconds. godropbox: net2/connection_pool.go `ConnectionOptions`.
 */
export interface ConnectionOptions {
	/**
	 * Maximum connections on loan per address. `0` = unbounded.
	 * @defaultValue 0
	 */
	readonly maxActiveConnections?: number | undefined;
	/**
	 * Maximum idle connections kept per address; surplus released connections are closed,
	 * oldest idle first. `0` = keep none (every release closes the socket, godropbox's default).
	 * @defaultValue 16
	 */
	readonly maxIdleConnections?: number | undefined;
	/**
	 * How long (ms) a connection may stay idle before it is closed. `0` = no expiry. Expired
	 * connections are closed by a background check every `idleCheckInterval` ms (an unref'd
	 * timer) and are never handed out.
	 * @defaultValue 60_000
	 */
	readonly maxIdleTime?: number | undefined;
	/**
	 * How often (ms) idle connections are checked for expiry and removed if dead.
	 * @defaultValue 1_000
	 */
	readonly idleCheckInterval?: number | undefined;
	/**
	 * Maximum dials in flight per address. `0` = unbounded. In wait mode further dials queue;
	 * in fail-fast mode a `get` that would exceed it fails with `ERR_NET2_DIAL_CONCURRENCY`.
	 * @defaultValue 0
	 */
	readonly dialMaxConcurrency?: number | undefined;
	/**
	 * Dial timeout (ms), enforced around any `dial`, built-in or yours. `0` = none.
	 * @defaultValue 1_000 (godropbox's default dialer timeout)
	 */
	readonly connectTimeout?: number | undefined;
	/**
	 * Default timeout (ms) of each {@link ManagedConnection.read} call. `0` = none.
	 * @defaultValue 0
	 */
	readonly readTimeout?: number | undefined;
	/**
	 * Default timeout (ms) of each {@link ManagedConnection.write} call. `0` = none.
	 * @defaultValue 0
	 */
	readonly writeTimeout?: number | undefined;
	/**
	 * `true`: a `get` at the `maxActiveConnections` limit waits (up to `acquireTimeout`) for a
	 * connection to come back. `false`: godropbox parity, it fails at once with
	 * `ERR_NET2_TOO_MANY_CONNECTIONS` (and dials over `dialMaxConcurrency` fail with
	 * `ERR_NET2_DIAL_CONCURRENCY`).
	 * @defaultValue true
	 */
	readonly waitForConnection?: boolean | undefined;
	/**
	 * Upper bound (ms) on a whole `get` (waiting plus dialling). `0` = none.
	 * @defaultValue 5_000
	 */
	readonly acquireTimeout?: number | undefined;
	/**
	 * TCP keep-alive: `false` off, `true` on with the OS's initial delay, a number = on with that
	 * initial delay in ms.
	 * @defaultValue 15_000 (Go's dialer default)
	 */
	readonly keepAlive?: boolean | number | undefined;
	/**
	 * Disable Nagle's algorithm (`socket.setNoDelay`).
	 * @defaultValue true
	 */
	readonly noDelay?: boolean | undefined;
	/**
	 * When set, the built-in dialer uses `tls.connect` with these options (host, port and,
	 * for host names, `servername` are filled in) and resolves after the handshake.
	 * @defaultValue undefined (plain TCP)
	 */
	readonly tls?: TlsConnectionOptions | undefined;
	/**
	 * Replaces the built-in dialer (a `net.connect`/`tls.connect` honouring `keepAlive`,
	 * `noDelay`, `tls`). The pool still enforces `connectTimeout`.
	 * @defaultValue the built-in dialer
	 */
	readonly dial?: DialFunction | undefined;
	/**
	 * Creates the socket of the built-in dialer for plain TCP and Unix connections (not with
	 * `tls`), in place of `net.connect`, as `http.Agent`'s `createConnection` does: for example to
	 * pass Node's `onread` option. It receives the `net.connect` options the dialer built (host,
	 * port, family or path, `noDelay`, `keepAlive`); the pool still waits for `connect`, enforces
	 * `connectTimeout` and aborts the dial. Ignored when `dial` is set.
	 * @defaultValue `net.connect`
	 */
	readonly createConnection?: ((options: NetConnectOpts) => Socket) | undefined;
	/**
	 * Clock in ms, used for idle expiry. Inject one in tests.
	 * @defaultValue `Date.now`
	 */
	readonly now?: (() => number) | undefined;
}

/** {@link ConnectionOptions} with every field filled in (what the pools use internally). */
export interface ResolvedConnectionOptions {
	readonly maxActiveConnections: number;
	readonly maxIdleConnections: number;
	readonly maxIdleTime: number;
	readonly idleCheckInterval: number;
	readonly dialMaxConcurrency: number;
	readonly connectTimeout: number;
	readonly readTimeout: number;
	readonly writeTimeout: number;
	readonly waitForConnection: boolean;
	readonly acquireTimeout: number;
	readonly keepAlive: boolean | number;
	readonly noDelay: boolean;
	readonly tls: TlsConnectionOptions | undefined;
	readonly dial: DialFunction | undefined;
	readonly createConnection: ((options: NetConnectOpts) => Socket) | undefined;
	readonly now: () => number;
}

/** The defaults of {@link ConnectionOptions}, frozen. */
export const DEFAULT_CONNECTION_OPTIONS: Readonly<ResolvedConnectionOptions> =
	Object.freeze({
		maxActiveConnections: 0,
		maxIdleConnections: 16,
		maxIdleTime: 60_000,
		idleCheckInterval: 1_000,
		dialMaxConcurrency: 0,
		connectTimeout: 1_000,
		readTimeout: 0,
		writeTimeout: 0,
		waitForConnection: true,
		acquireTimeout: 5_000,
		keepAlive: 15_000,
		noDelay: true,
		tls: undefined,
		dial: undefined,
		createConnection: undefined,
		now: Date.now,
	});

const INTEGER_FIELDS = [
	"maxActiveConnections",
	"maxIdleConnections",
	"maxIdleTime",
	"dialMaxConcurrency",
	"connectTimeout",
	"readTimeout",
	"writeTimeout",
	"acquireTimeout",
] as const;

/** @internal Merges with the defaults and validates; throws {@link InvalidArgumentError}. */
export function resolveConnectionOptions(
	options: ConnectionOptions = {},
): ResolvedConnectionOptions {
	if (typeof options !== "object" || options === null)
		throw new InvalidArgumentError("options must be an object");
	const merged: Record<string, unknown> = { ...DEFAULT_CONNECTION_OPTIONS };
	for (const [k, v] of Object.entries(options)) {
		if (v === undefined) continue;
		if (!(k in DEFAULT_CONNECTION_OPTIONS))
			throw new InvalidArgumentError(`unknown connection option "${k}"`);
		merged[k] = v;
	}
	const r = merged as unknown as ResolvedConnectionOptions;
	for (const k of INTEGER_FIELDS) {
		const v = r[k];
		if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
			throw new InvalidArgumentError(
				`${k} must be a non-negative integer (got ${String(v)})`,
			);
	}
	if (
		typeof r.idleCheckInterval !== "number" ||
		!Number.isInteger(r.idleCheckInterval) ||
		r.idleCheckInterval < 1
	)
		throw new InvalidArgumentError(
			`idleCheckInterval must be a positive integer (got ${String(r.idleCheckInterval)})`,
		);
	if (typeof r.waitForConnection !== "boolean")
		throw new InvalidArgumentError("waitForConnection must be a boolean");
	if (typeof r.noDelay !== "boolean")
		throw new InvalidArgumentError("noDelay must be a boolean");
	if (
		typeof r.keepAlive !== "boolean" &&
		!(
			typeof r.keepAlive === "number" &&
			Number.isInteger(r.keepAlive) &&
			r.keepAlive >= 0
		)
	)
		throw new InvalidArgumentError(
			"keepAlive must be a boolean or a non-negative integer (ms)",
		);
	if (r.dial !== undefined && typeof r.dial !== "function")
		throw new InvalidArgumentError("dial must be a function");
	if (
		r.createConnection !== undefined &&
		typeof r.createConnection !== "function"
	)
		throw new InvalidArgumentError("createConnection must be a function");
	if (typeof r.now !== "function")
		throw new InvalidArgumentError("now must be a function");
	if (r.tls !== undefined && (typeof r.tls !== "object" || r.tls === null))
		throw new InvalidArgumentError(
			"tls must be an object of tls.connect options",
		);
	return Object.freeze(r);
}
