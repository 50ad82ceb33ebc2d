import net from "node:net";

/** Asks the kernel for a free TCP port on `host` (binds port 0, reads it, closes). */
export function freePort(host = "127.0.0.1"): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once("error", reject);
		server.listen(0, host, () => {
			const addr = server.address();
			if (addr === null || typeof addr === "string") {
				server.close();
				reject(new Error("could not read the listening port"));
				return;
			}
			const { port } = addr;
			server.close(() => resolve(port));
		});
	});
}

/** Resolves true when a TCP connection to host:port succeeds within `timeoutMs`. */
export function canConnect(
	host: string,
	port: number,
	timeoutMs = 1000,
): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host, port });
		const done = (ok: boolean): void => {
			clearTimeout(timer);
			socket.destroy();
			resolve(ok);
		};
		const timer = setTimeout(() => done(false), timeoutMs);
		socket.once("connect", () => done(true));
		socket.once("error", () => done(false));
	});
}

/** Polls until host:port accepts connections, or rejects after `timeoutMs`. */
export async function waitForPort(
	host: string,
	port: number,
	timeoutMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await canConnect(host, port, 500)) return;
		await new Promise((r) => setTimeout(r, 25));
	}
	throw new Error(
		`nothing is listening on ${host}:${port} after ${timeoutMs} ms`,
	);
}
