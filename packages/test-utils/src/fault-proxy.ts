import net from "node:net";

/** How the proxy treats traffic right now. */
export interface FaultMode {
	/** Hold each chunk this many milliseconds before forwarding it. @defaultValue 0 */
	readonly delayMs?: number | undefined;
	/** Buffer traffic without forwarding it until the mode changes. @defaultValue false */
	readonly stall?: boolean | undefined;
	/** Rewrite chunks travelling server → client (corruption). */
	readonly corruptResponse?: ((chunk: Buffer) => Buffer) | undefined;
	/** Rewrite chunks travelling client → server. */
	readonly corruptRequest?: ((chunk: Buffer) => Buffer) | undefined;
	/** Refuse (immediately close) new client connections. @defaultValue false */
	readonly refuse?: boolean | undefined;
}

/** Options for {@link startFaultProxy}. */
export interface FaultProxyOptions {
	readonly targetHost?: string | undefined;
	readonly targetPort: number;
	/** Listen host. @defaultValue '127.0.0.1' */
	readonly host?: string | undefined;
}

/** A loopback TCP proxy in front of a real server that can delay, stall, cut or corrupt traffic. */
export interface FaultProxy {
	readonly host: string;
	readonly port: number;
	/** `"host:port"` of the proxy: point clients here. */
	readonly address: string;
	/** Client connections currently open through the proxy. */
	readonly connections: number;
	/** Total client connections accepted since start. */
	readonly accepted: number;
	/** Replaces the current mode; stalled data is flushed when `stall` turns off. */
	setMode(mode: FaultMode): void;
	/** Destroys every open connection pair now (a network cut / server reset). */
	cutAll(): void;
	close(): Promise<void>;
}

interface Pair {
	client: net.Socket;
	upstream: net.Socket;
	toServer: Buffer[];
	toClient: Buffer[];
}

/** Starts a fault-injecting proxy on a free loopback port in front of targetHost:targetPort. */
export async function startFaultProxy(
	options: FaultProxyOptions,
): Promise<FaultProxy> {
	const targetHost = options.targetHost ?? "127.0.0.1";
	const host = options.host ?? "127.0.0.1";
	let mode: FaultMode = {};
	let accepted = 0;
	const pairs = new Set<Pair>();
	const timers = new Set<NodeJS.Timeout>();

	const forward = (
		pair: Pair,
		dir: "toServer" | "toClient",
		chunk: Buffer,
	): void => {
		const dest = dir === "toServer" ? pair.upstream : pair.client;
		const rewrite =
			dir === "toServer" ? mode.corruptRequest : mode.corruptResponse;
		const data = rewrite ? rewrite(chunk) : chunk;
		if (mode.stall) {
			pair[dir].push(data);
			return;
		}
		const delay = mode.delayMs ?? 0;
		if (delay > 0) {
			const t = setTimeout(() => {
				timers.delete(t);
				if (!dest.destroyed) dest.write(data);
			}, delay);
			timers.add(t);
		} else if (!dest.destroyed) {
			dest.write(data);
		}
	};

	const flushStalled = (): void => {
		for (const pair of pairs) {
			for (const dir of ["toServer", "toClient"] as const) {
				const dest = dir === "toServer" ? pair.upstream : pair.client;
				for (const chunk of pair[dir].splice(0))
					if (!dest.destroyed) dest.write(chunk);
			}
		}
	};

	const server = net.createServer((client) => {
		accepted++;
		if (mode.refuse) {
			client.destroy();
			return;
		}
		const upstream = net.connect({
			host: targetHost,
			port: options.targetPort,
		});
		const pair: Pair = { client, upstream, toServer: [], toClient: [] };
		pairs.add(pair);
		const teardown = (): void => {
			pairs.delete(pair);
			client.destroy();
			upstream.destroy();
		};
		client.on("data", (chunk: Buffer) => forward(pair, "toServer", chunk));
		upstream.on("data", (chunk: Buffer) => forward(pair, "toClient", chunk));
		client.on("close", teardown);
		upstream.on("close", teardown);
		client.on("error", teardown);
		upstream.on("error", teardown);
	});

	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(0, host, () => resolve());
	});
	const addr = server.address();
	if (addr === null || typeof addr === "string")
		throw new Error("proxy has no port");
	const port = addr.port;

	return {
		host,
		port,
		address: `${host}:${port}`,
		get connections() {
			return pairs.size;
		},
		get accepted() {
			return accepted;
		},
		setMode(next: FaultMode) {
			mode = next;
			if (!mode.stall) flushStalled();
		},
		cutAll() {
			for (const pair of pairs) {
				pair.client.destroy();
				pair.upstream.destroy();
			}
			pairs.clear();
		},
		close() {
			for (const t of timers) clearTimeout(t);
			timers.clear();
			for (const pair of pairs) {
				pair.client.destroy();
				pair.upstream.destroy();
			}
			pairs.clear();
			return new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
