import type net from "node:net";
import { ConnectionError } from "../errors.js";
import type { Transport, TransportFactory } from "./pipelined-connection.js";
import { connectWithReadSink } from "./read-sink.js";

/** The part of a net2 `ManagedConnection` this package uses. */
export interface PooledConnection {
	readonly socket: net.Socket;
	release(): void;
	discard(): void;
}

/**
 * The part of a net2 `ConnectionPool` this package uses (register/unregister addresses, borrow
 * connections). Any `@godropbox-ts/net2` pool satisfies it.
 */
export interface ConnectionPoolLike {
	register(network: "tcp", address: string): unknown;
	unregister(network: "tcp", address: string): unknown;
	get(
		network: "tcp",
		address: string,
		options?: { signal?: AbortSignal | undefined },
	): Promise<PooledConnection>;
	close?(): unknown;
}

/** Splits `"host:port"` (or `"[v6]:port"`). */
export function parseAddress(address: string): { host: string; port: number } {
	const i = address.lastIndexOf(":");
	const port = Number(address.slice(i + 1));
	if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535)
		throw new TypeError(
			`invalid memcached address ${JSON.stringify(address)}: expected "host:port"`,
		);
	let host = address.slice(0, i);
	if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
	return { host, port };
}

/** Dials `address` with net.connect for every connection (no pool). */
export function dialFactory(
	address: string,
	connectTimeoutMs: number,
): TransportFactory {
	const { host, port } = parseAddress(address);
	return (signal) =>
		new Promise<Transport>((resolve, reject) => {
			const socket = connectWithReadSink({
				host,
				port,
				noDelay: true,
				keepAlive: true,
			});
			let timer: NodeJS.Timeout | undefined;
			const cleanup = (): void => {
				if (timer !== undefined) clearTimeout(timer);
				socket.off("connect", onConnect);
				socket.off("error", onError);
				signal.removeEventListener("abort", onAbort);
			};
			const onConnect = (): void => {
				cleanup();
				resolve({
					socket,
					release: () => socket.end(),
					discard: () => socket.destroy(),
				});
			};
			const onError = (err: Error): void => {
				cleanup();
				socket.destroy();
				reject(
					new ConnectionError(
						`cannot connect to memcached at ${address}: ${err.message}`,
						address,
						err,
					),
				);
			};
			const onAbort = (): void =>
				onError(new Error("connection attempt cancelled"));
			socket.once("connect", onConnect);
			socket.once("error", onError);
			signal.addEventListener("abort", onAbort, { once: true });
			if (connectTimeoutMs > 0)
				timer = setTimeout(
					() =>
						onError(
							new Error(
								`connect timed out after ${connectTimeoutMs} ms (option: connectTimeout)`,
							),
						),
					connectTimeoutMs,
				).unref();
		});
}

/** Borrows connections for `address` from a net2-style pool. */
export function poolFactory(
	pool: ConnectionPoolLike,
	address: string,
): TransportFactory {
	return async (signal) => {
		const conn = await pool.get("tcp", address, { signal });
		return {
			socket: conn.socket,
			release: () => conn.release(),
			discard: () => conn.discard(),
		};
	};
}

/**
 * Uses a caller-owned, connected socket once. It is never closed by us: on failure we only stop
 * using it.
 */
export function socketFactory(
	socket: net.Socket,
	address: string,
): TransportFactory {
	let used = false;
	return async () => {
		if (used || socket.destroyed)
			throw new ConnectionError(
				`the caller's socket to ${address} is no longer usable; build a new client on a fresh socket`,
				address,
			);
		used = true;
		return { socket, release: () => {}, discard: () => {} };
	};
}
