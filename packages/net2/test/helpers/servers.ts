import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { createInterface } from "node:readline";

/** A loopback TCP server for the tests: echoes by default, tracks its sockets. */
export interface TestServer {
	readonly port: number;
	/** `"127.0.0.1:<port>"`. */
	readonly address: string;
	/** Server-side sockets currently open. */
	readonly sockets: Set<net.Socket>;
	/** Connections accepted since start. */
	accepted: number;
	/** Sends a TCP RST on every open connection (server-side reset). */
	resetAll(): void;
	/** Closes (FIN) every open connection. */
	endAll(): void;
	close(): Promise<void>;
}

/** Starts an echo server on 127.0.0.1:0 (or a silent one that never replies). */
export async function startServer(
	options: { echo?: boolean; host?: string } = {},
): Promise<TestServer> {
	const sockets = new Set<net.Socket>();
	const echo = options.echo ?? true;
	const host = options.host ?? "127.0.0.1";
	const state = { accepted: 0 };
	const server = net.createServer((socket) => {
		state.accepted++;
		sockets.add(socket);
		socket.on("error", () => {});
		socket.on("close", () => sockets.delete(socket));
		if (echo) socket.on("data", (chunk) => socket.write(chunk));
		else socket.resume();
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	const port = (server.address() as net.AddressInfo).port;
	return {
		port,
		address: host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`,
		sockets,
		get accepted() {
			return state.accepted;
		},
		set accepted(v: number) {
			state.accepted = v;
		},
		resetAll() {
			// resetAndDestroy on a socket already shutting down fails inside libuv and leaves its
			// handle open forever (Node emits the 'reset' error and never 'close'): plain destroy.
			for (const s of sockets)
				if (s.writableEnded || s.destroyed) s.destroy();
				else s.resetAndDestroy();
		},
		endAll() {
			for (const s of sockets) s.end();
		},
		close() {
			for (const s of sockets) s.destroy();
			return new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A port with nothing listening on it (bound once, then released). */
export async function deadAddress(): Promise<string> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const port = (server.address() as net.AddressInfo).port;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `127.0.0.1:${port}`;
}

/**
 * A listener that never accepts: a python3 socket with `listen(0)` whose accept queue is then
 * filled, so further SYNs are dropped and a connect hangs until its timeout.
 */
export async function startBlackhole(): Promise<{
	address: string;
	close(): Promise<void>;
}> {
	const child: ChildProcess = spawn(
		"python3",
		[
			"-c",
			"import socket,sys,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()",
		],
		{ stdio: ["pipe", "pipe", "inherit"] },
	);
	const line = await new Promise<string>((resolve, reject) => {
		const rl = createInterface({
			input: child.stdout as NodeJS.ReadableStream,
		});
		rl.once("line", (l) => {
			rl.close();
			resolve(l);
		});
		child.once("error", reject);
	});
	const port = Number(line.trim());
	// Fill the accept queue (backlog 0 → room for about one); extra connects may hang, ignore them.
	const fillers: net.Socket[] = [];
	for (let i = 0; i < 3; i++) {
		const s = net.connect({ host: "127.0.0.1", port });
		s.on("error", () => {});
		fillers.push(s);
	}
	await new Promise((r) => setTimeout(r, 100));
	return {
		address: `127.0.0.1:${port}`,
		async close() {
			for (const s of fillers) s.destroy();
			child.stdin?.end();
			child.kill();
			await new Promise((r) => child.once("exit", r));
		},
	};
}

/** Polls `fn` until it returns true, at most `timeoutMs` (bounded). */
export async function waitUntil(
	fn: () => boolean,
	timeoutMs = 5_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!fn()) {
		if (Date.now() > deadline) throw new Error("condition not met in time");
		await new Promise((r) => setTimeout(r, 5));
	}
}
