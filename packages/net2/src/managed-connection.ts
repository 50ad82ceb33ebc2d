import type { Socket } from "node:net";
import type { Network } from "./network.js";

/** Options of one {@link ManagedConnection.read} / {@link ManagedConnection.write}. */
export interface IoOptions {
	/** Timeout (ms) of this call; `0` = none. @defaultValue the pool's `readTimeout`/`writeTimeout` */
	readonly timeout?: number | undefined;
	/** Aborting rejects the call with `ERR_NET2_ABORTED`. */
	readonly signal?: AbortSignal | undefined;
}

/**
 * A borrowed connection. godropbox: net2/managed_connection.go `ManagedConn`.
 *
 * Use `socket` directly (attach your own listeners) or the `read`/`write` helpers, which apply
 * the pool's per-call `readTimeout`/`writeTimeout`. Return it exactly once with `release()` (its
 * protocol state is clean: the next borrower may reuse it) or `discard()` (it may be out of sync:
 * the socket is destroyed). Both are idempotent, in any mix.
 *
 * Before `release()`, remove the listeners you added. `'data'`/`'readable'` listeners still
 * attached are removed by the pool; unread buffered bytes make the pool close the socket instead
 * of reusing it.
 */
export interface ManagedConnection {
	/** The socket (a `tls.TLSSocket` when the pool has `tls` options). Owned by the pool. */
	readonly socket: Socket;
	/** The network this connection was borrowed for. */
	readonly network: Network;
	/** The address this connection was borrowed for. */
	readonly address: string;
	/** True when it came from the idle set, false when it was just dialled. */
	readonly reused: boolean;
	/** The pool's default per-`read` timeout (ms, 0 = none). */
	readonly readTimeout: number;
	/** The pool's default per-`write` timeout (ms, 0 = none). */
	readonly writeTimeout: number;
	/** True once released/discarded, or once the socket closed or errored. */
	readonly isClosed: boolean;
	/** Gives the connection back for reuse. Idempotent. */
	release(): void;
	/** Destroys the socket and frees the slot. Idempotent. */
	discard(): void;
	/**
	 * Resolves with the next chunk of bytes, or `null` at end of stream.
	 * @throws (rejects) `ERR_NET2_CONNECTION_RELEASED`, `ERR_NET2_READ_TIMEOUT`,
	 * `ERR_NET2_CONNECTION_FAILED`, `ERR_NET2_ABORTED`.
	 */
	read(options?: IoOptions): Promise<Buffer | null>;
	/**
	 * Writes and resolves once the bytes are handed to the OS.
	 * @throws (rejects) `ERR_NET2_CONNECTION_RELEASED`, `ERR_NET2_WRITE_TIMEOUT`,
	 * `ERR_NET2_CONNECTION_FAILED`, `ERR_NET2_ABORTED`.
	 */
	write(data: string | Uint8Array, options?: IoOptions): Promise<void>;
}
