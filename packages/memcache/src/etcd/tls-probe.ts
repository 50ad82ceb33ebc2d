// A plain TLS handshake with the etcd endpoints, to name the reason when etcd3 reports only
// "unavailable" (see probeTls).
import { isIP } from "node:net";
import { connect } from "node:tls";
import type { IOptions } from "etcd3";

/**
 * @internal After a call failed as "unavailable": does a plain TLS handshake with each endpoint
 * fail, and why? etcd3 loses the TLS reason when its authentication call is retried (grpc-js
 * then reports `Last error: null`), so the CLI and
 * {@link EtcdShardManager.create} ask Node's TLS directly. Resolves the first
 * handshake failure (e.g. `unable to verify the first certificate`), or undefined when every
 * endpoint handshakes or cannot be reached at all.
 */
export async function probeTls(
	options: IOptions,
	timeoutMs: number,
): Promise<string | undefined> {
	const hosts =
		typeof options.hosts === "string" ? [options.hosts] : options.hosts;
	const tls =
		options.credentials !== undefined ||
		hosts.some((h) => /^https:\/\//i.test(h));
	if (!tls) return undefined;
	const c = options.credentials;
	for (const h of hosts) {
		let url: URL;
		try {
			url = new URL(/^[a-z]+:\/\//i.test(h) ? h : `https://${h}`);
		} catch {
			continue;
		}
		const host = url.hostname.replace(/^\[|\]$/g, "");
		const failure = await new Promise<string | undefined>((resolve) => {
			const socket = connect({
				host,
				port: Number(url.port || 2379),
				...(isIP(host) === 0 ? { servername: host } : {}),
				ALPNProtocols: ["h2"],
				...(c === undefined
					? {}
					: {
							ca: c.rootCertificate,
							...(c.certChain === undefined ? {} : { cert: c.certChain }),
							...(c.privateKey === undefined ? {} : { key: c.privateKey }),
						}),
			});
			const done = (v: string | undefined) => {
				clearTimeout(timer);
				socket.destroy();
				resolve(v);
			};
			const timer = setTimeout(() => done(undefined), timeoutMs);
			// Only errors after the TCP connect are TLS's (refused/unreachable stay "unavailable").
			let connected = false;
			socket.once("connect", () => {
				connected = true;
			});
			socket.once("error", (err: NodeJS.ErrnoException) =>
				done(connected && err.code !== "ECONNRESET" ? err.message : undefined),
			);
			// TLS 1.3: a server that rejects the client certificate says so after the handshake.
			socket.once("secureConnect", () => {
				setTimeout(() => done(undefined), 300).unref();
			});
		});
		if (failure !== undefined) return failure;
	}
	return undefined;
}
