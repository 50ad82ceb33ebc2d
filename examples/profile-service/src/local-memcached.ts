import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

/** memcached processes this service started for itself; `stop()` ends them. */
export interface LocalMemcached {
	/** `host:port` of each process, in start order. */
	readonly addresses: readonly string[];
	/** Process ids, for the curious (and for tests that check cleanup). */
	readonly pids: readonly number[];
	/** Stops every process (SIGTERM, then SIGKILL after 2 s) and waits for each to exit. */
	stop(): Promise<void>;
}

/** Options of {@link startLocalMemcached}. */
export interface LocalMemcachedOptions {
	/** Path of the binary. @defaultValue the `memcached` found on `PATH` */
	readonly binary?: string | undefined;
	/** How many processes. @defaultValue 3 */
	readonly count?: number | undefined;
	/** Memory limit of each, MiB (`-m`). @defaultValue 64 */
	readonly memoryMb?: number | undefined;
	/** How long to wait for each process to accept connections, ms. @defaultValue 5000 */
	readonly startTimeoutMs?: number | undefined;
}

/**
 * Finds an executable named `name` on `PATH` without spawning a shell.
 *
 * @returns its absolute path, or undefined when there is none
 */
export function findOnPath(
	name: string,
	pathEnv: string | undefined = process.env.PATH,
): string | undefined {
	for (const dir of (pathEnv ?? "").split(path.delimiter)) {
		if (dir === "") continue;
		const candidate = path.join(dir, name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) return candidate;
		} catch {}
	}
	return undefined;
}

/** Every child still alive, so an unexpected exit does not leave memcached processes behind. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	// 'exit' handlers run synchronously; kill() is synchronous, so this is enough to not
	// orphan the processes when the service crashes or calls process.exit().
	process.once("exit", () => {
		for (const child of live) child.kill("SIGKILL");
	});
}

function freeLoopbackPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.once("error", reject);
		srv.listen(0, "127.0.0.1", () => {
			const addr = srv.address();
			const port = typeof addr === "object" && addr !== null ? addr.port : 0;
			srv.close(() =>
				port > 0 ? resolve(port) : reject(new Error("no port")),
			);
		});
	});
}

function tryConnect(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: "127.0.0.1", port });
		const done = (ok: boolean): void => {
			clearTimeout(timer);
			socket.destroy();
			resolve(ok);
		};
		const timer = setTimeout(() => done(false), 500);
		socket.once("connect", () => done(true));
		socket.once("error", () => done(false));
	});
}

function waitExit(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null)
		return Promise.resolve();
	return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function killChild(child: ChildProcess): Promise<void> {
	const gone = waitExit(child);
	child.kill("SIGTERM");
	const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
	await gone;
	clearTimeout(timer);
	live.delete(child);
}

async function startOne(
	binary: string,
	memoryMb: number,
	timeoutMs: number,
): Promise<{ child: ChildProcess; address: string }> {
	const port = await freeLoopbackPort();
	const args = ["-l", "127.0.0.1", "-p", String(port), "-U", "0"];
	args.push("-m", String(memoryMb));
	// memcached refuses to run as root unless it is told which user to be.
	if (process.getuid?.() === 0) args.push("-u", "root");
	const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
	live.add(child);
	let stderr = "";
	child.stderr?.setEncoding("utf8");
	child.stderr?.on("data", (chunk: string) => {
		stderr = (stderr + chunk).slice(-2000);
	});
	const spawnError = new Promise<Error>((resolve) => {
		child.once("error", resolve);
		child.once("exit", (code, signal) =>
			resolve(new Error(`memcached exited (${code ?? signal}) ${stderr}`)),
		);
	});
	const deadline = Date.now() + timeoutMs;
	let failure: Error | undefined;
	spawnError.then((e) => {
		failure = e;
	});
	while (Date.now() < deadline && failure === undefined) {
		if (await tryConnect(port)) return { child, address: `127.0.0.1:${port}` };
		await new Promise((r) => setTimeout(r, 20));
	}
	await killChild(child);
	throw failure ?? new Error(`memcached on port ${port} did not start in time`);
}

/**
 * Starts `count` memcached processes on free loopback ports and waits until each accepts
 * connections. A port taken between choosing and binding it is retried (three attempts).
 *
 * @throws Error when the binary is missing or a process does not come up
 */
export async function startLocalMemcached(
	options: LocalMemcachedOptions = {},
): Promise<LocalMemcached> {
	const binary = options.binary ?? findOnPath("memcached");
	if (binary === undefined) throw new Error("memcached is not on PATH");
	installExitHook();
	const started: { child: ChildProcess; address: string }[] = [];
	try {
		for (let i = 0; i < (options.count ?? 3); i++) {
			for (let attempt = 1; ; attempt++) {
				try {
					started.push(
						await startOne(
							binary,
							options.memoryMb ?? 64,
							options.startTimeoutMs ?? 5000,
						),
					);
					break;
				} catch (err) {
					if (attempt >= 3) throw err;
				}
			}
		}
	} catch (err) {
		await Promise.all(started.map((s) => killChild(s.child)));
		throw err;
	}
	let stopping: Promise<void> | undefined;
	return {
		addresses: started.map((s) => s.address),
		pids: started.map((s) => s.child.pid ?? -1),
		stop: () => {
			stopping ??= Promise.all(started.map((s) => killChild(s.child))).then(
				() => undefined,
			);
			return stopping;
		},
	};
}
