import { type ChildProcess, spawn } from "node:child_process";
import { freePort, waitForPort } from "./ports.js";
import { pauseProcess, resumeProcess } from "./process-control.js";
import { memcachedBinary } from "./servers.js";

/** Options for {@link startMemcached}. */
export interface StartMemcachedOptions {
	/** How many independent processes to start. @defaultValue 1 */
	readonly count?: number | undefined;
	/** Extra command-line arguments for every process (e.g. `['-I', '2m']`). */
	readonly args?: readonly string[] | undefined;
	/** Memory limit in MiB (`-m`). @defaultValue 64 */
	readonly memoryMb?: number | undefined;
	/** Listen host. @defaultValue '127.0.0.1' */
	readonly host?: string | undefined;
}

/** One memcached process started for a test. */
export class MemcachedProcess {
	readonly host: string;
	readonly port: number;
	#child: ChildProcess | undefined;
	#args: string[];
	#bin: string;
	#stderr = "";

	/** @internal */
	constructor(bin: string, host: string, port: number, args: string[]) {
		this.#bin = bin;
		this.host = host;
		this.port = port;
		this.#args = args;
	}

	/** `"host:port"`, the form memcache clients take. */
	get address(): string {
		return `${this.host}:${this.port}`;
	}

	/** The OS process id, or undefined when stopped. */
	get pid(): number | undefined {
		return this.#child?.pid;
	}

	/** Whether the process is running. */
	get running(): boolean {
		return (
			this.#child !== undefined &&
			this.#child.exitCode === null &&
			this.#child.signalCode === null
		);
	}

	/** Starts (or restarts) the process on the same port and waits until it accepts connections. */
	async start(): Promise<void> {
		if (this.running) return;
		const args = [
			"-l",
			this.host,
			"-p",
			String(this.port),
			"-U",
			"0",
			...this.#args,
		];
		// memcached refuses to run as root unless told which user to become.
		if (process.getuid?.() === 0) args.push("-u", "root");
		const child = spawn(this.#bin, args, {
			stdio: ["ignore", "ignore", "pipe"],
		});
		child.stderr?.setEncoding("utf8");
		child.stderr?.on("data", (chunk: string) => {
			this.#stderr = (this.#stderr + chunk).slice(-4000);
		});
		this.#child = child;
		const exited = new Promise<never>((_, reject) => {
			child.once("exit", (code, signal) =>
				reject(
					new Error(
						`memcached on ${this.address} exited (${code ?? signal}): ${this.#stderr.trim()}`,
					),
				),
			);
		});
		exited.catch(() => {});
		await Promise.race([waitForPort(this.host, this.port, 10_000), exited]);
	}

	/** Freezes the process (SIGSTOP): connections stay open, nothing is answered. */
	pause(): void {
		if (this.#child?.pid !== undefined) pauseProcess(this.#child.pid);
	}

	/** Thaws a paused process (SIGCONT). */
	resume(): void {
		if (this.#child?.pid !== undefined) resumeProcess(this.#child.pid);
	}

	/** Kills the process with `signal` and waits for it to exit. */
	async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
		const child = this.#child;
		if (child === undefined) return;
		this.#child = undefined;
		if (child.exitCode !== null || child.signalCode !== null) return;
		const gone = new Promise<void>((resolve) =>
			child.once("exit", () => resolve()),
		);
		// A stopped process does not act on SIGTERM until continued.
		if (child.pid !== undefined) {
			try {
				resumeProcess(child.pid);
			} catch {}
		}
		child.kill(signal);
		await gone;
	}

	/** Kills the process, then starts a fresh one on the same port (all items are lost). */
	async restart(): Promise<void> {
		await this.kill();
		await this.start();
	}

	/** Stops the process (SIGTERM, then waits). */
	stop(): Promise<void> {
		return this.kill("SIGTERM");
	}
}

/** A group of memcached processes; `stop()` them in `afterAll`. */
export interface MemcachedCluster {
	readonly processes: readonly MemcachedProcess[];
	/** `"host:port"` of each process, in start order. */
	readonly addresses: readonly string[];
	stop(): Promise<void>;
}

/**
 * Starts `count` memcached processes on free loopback ports and waits until each accepts
 * connections.
 *
 * @throws Error when no memcached binary is found (see `requireServers('memcached')`).
 */
export async function startMemcached(
	options: StartMemcachedOptions = {},
): Promise<MemcachedCluster> {
	const bin = memcachedBinary();
	if (bin === undefined)
		throw new Error(
			"memcached is not installed (apt-get install -y memcached)",
		);
	const count = options.count ?? 1;
	const host = options.host ?? "127.0.0.1";
	const args = ["-m", String(options.memoryMb ?? 64), ...(options.args ?? [])];
	const processes: MemcachedProcess[] = [];
	try {
		for (let i = 0; i < count; i++) {
			// A port found free can be taken before memcached binds it: retry a few times.
			for (let attempt = 0; ; attempt++) {
				const proc = new MemcachedProcess(
					bin,
					host,
					await freePort(host),
					args,
				);
				try {
					await proc.start();
					processes.push(proc);
					break;
				} catch (err) {
					await proc.kill();
					if (attempt >= 4) throw err;
				}
			}
		}
	} catch (err) {
		await Promise.all(processes.map((p) => p.kill()));
		throw err;
	}
	return {
		processes,
		addresses: processes.map((p) => p.address),
		stop: async () => {
			await Promise.all(processes.map((p) => p.stop()));
		},
	};
}
