import net from "node:net";
import tls from "node:tls";
import { splitHostPort } from "../ip.js";
import type { Network } from "../network.js";
import type { DialContext, ResolvedConnectionOptions } from "../options.js";

/**
 * The built-in dialer: `net.connect` (or `options.createConnection`; `tls.connect` when
 * `options.tls` is set), resolving
 * on `connect` (`secureConnect` for TLS). Destroys the socket and rejects when the context's
 * signal aborts. The timeout itself is enforced by the caller (address-pool.ts).
 */
export function builtinDial(
	options: ResolvedConnectionOptions,
	network: Network,
	address: string,
	context: DialContext,
): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		let socket: net.Socket;
		const keepAlive = options.keepAlive !== false;
		const keepAliveInitialDelay =
			typeof options.keepAlive === "number" ? options.keepAlive : 0;
		const connect = options.createConnection ?? net.connect;
		try {
			if (network === "unix") {
				socket = options.tls
					? tls.connect({ ...options.tls, path: address })
					: connect({ path: address });
			} else {
				const { host, port } = splitHostPort(address);
				const family = network === "tcp4" ? 4 : network === "tcp6" ? 6 : 0;
				if (options.tls) {
					socket = tls.connect({
						...(net.isIP(host) === 0 && options.tls.servername === undefined
							? { servername: host }
							: {}),
						...options.tls,
						host,
						port,
						family,
					} as tls.ConnectionOptions);
				} else {
					socket = connect({
						host,
						port,
						family,
						noDelay: options.noDelay,
						keepAlive,
						keepAliveInitialDelay,
					});
				}
			}
		} catch (err) {
			reject(err);
			return;
		}
		const event = options.tls ? "secureConnect" : "connect";
		const cleanup = (): void => {
			socket.removeListener(event, onConnect);
			socket.removeListener("error", onError);
			socket.removeListener("close", onClose);
			context.signal.removeEventListener("abort", onAbort);
		};
		const onConnect = (): void => {
			cleanup();
			if (options.tls) {
				socket.setNoDelay(options.noDelay);
				if (keepAlive) socket.setKeepAlive(true, keepAliveInitialDelay);
			}
			resolve(socket);
		};
		const onError = (err: Error): void => {
			cleanup();
			socket.destroy();
			reject(err);
		};
		const onClose = (): void => {
			cleanup();
			reject(new Error(`connection to ${address} closed while dialling`));
		};
		const onAbort = (): void => {
			cleanup();
			socket.destroy();
			reject(context.signal.reason);
		};
		socket.once(event, onConnect);
		socket.once("error", onError);
		socket.once("close", onClose);
		if (context.signal.aborted) onAbort();
		else context.signal.addEventListener("abort", onAbort, { once: true });
	});
}
