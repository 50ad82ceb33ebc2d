import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { accessSync, constants, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { waitForPort } from "./ports.js";
import { isCI } from "./servers.js";

/** Options of {@link startRedisCluster}. */
export interface StartRedisClusterOptions {
	/** Number of masters; the 16384 slots are split evenly between them. @defaultValue 3 */
	readonly masters?: number | undefined;
	/** Replicas per master (`0` or `1`). @defaultValue 0 */
	readonly replicas?: 0 | 1 | undefined;
	/**
	 * `cluster-node-timeout`, ms: how long a node may be unreachable before it is failed over.
	 * @defaultValue 3000
	 */
	readonly nodeTimeoutMs?: number | undefined;
	/** How long to wait for `cluster_state:ok` everywhere, ms. @defaultValue 30000 */
	readonly readyTimeoutMs?: number | undefined;
}

/** One node of a {@link RedisClusterHandle}. */
export interface RedisClusterNode {
	readonly host: string;
	readonly port: number;
	/** The node's cluster id (40 hex characters). */
	readonly id: string;
	/** Role at start-up (a failover can change it). */
	readonly role: "master" | "replica";
	/** For a replica: the index of its master in `nodes`. */
	readonly masterIndex?: number | undefined;
}

/** A running Redis Cluster; `stop()` it in `afterAll`. */
export interface RedisClusterHandle {
	/** Every node: the masters first (in slot order), then the replicas. */
	readonly nodes: readonly RedisClusterNode[];
	/** Kills node `i` with SIGKILL and waits until the process has exited. */
	killNode(i: number): Promise<void>;
	/** Kills every process and removes the temporary directory; idempotent. */
	stop(): Promise<void>;
}

const SLOTS = 16384;
const BUS_OFFSET = 10_000;
const INSTALL_HINT =
	"install redis-server (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_SERVER_BIN";

/**
 * Path of the redis-server binary: `REDIS_SERVER_BIN` (undefined when that is not an
 * executable file), else the one on PATH, else undefined.
 */
export function redisServerBinary(): string | undefined {
	const fromEnv = process.env.REDIS_SERVER_BIN;
	if (fromEnv) {
		try {
			accessSync(fromEnv, constants.X_OK);
			return fromEnv;
		} catch {
			return undefined;
		}
	}
	try {
		return (
			execFileSync("sh", ["-c", "command -v redis-server"], {
				encoding: "utf8",
			}).trim() || undefined
		);
	} catch {
		return undefined;
	}
}

let warned = false;

/**
 * Whether {@link startRedisCluster} can run. Missing redis-server: under CI it throws (the
 * suite fails); elsewhere it prints one line naming what to install and returns false, so the
 * caller can `describe.skipIf(!ok)`.
 */
export function requireRedisCluster(): boolean {
	if (redisServerBinary() !== undefined) return true;
	const line = `skipping Redis Cluster tests: redis-server is missing — ${INSTALL_HINT}`;
	if (isCI()) throw new Error(`CI=true and redis-server is missing: ${line}`);
	if (!warned) {
		warned = true;
		console.warn(line);
	}
	return false;
}

function canBind(host: string, port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once("error", () => resolve(false));
		server.listen(port, host, () => server.close(() => resolve(true)));
	});
}

/** A port P where P and P + 10000 (the cluster bus) are both free; bounded attempts. */
async function freeClusterPort(
	host: string,
	taken: Set<number>,
): Promise<number> {
	for (let attempt = 0; attempt < 200; attempt++) {
		// 20000-45000 keeps the bus port (P + 10000) below 65536 and off common services.
		const port = 20_000 + Math.floor(Math.random() * 25_000);
		if (taken.has(port) || taken.has(port + BUS_OFFSET)) continue;
		if (
			(await canBind(host, port)) &&
			(await canBind(host, port + BUS_OFFSET))
		) {
			taken.add(port);
			taken.add(port + BUS_OFFSET);
			return port;
		}
	}
	throw new Error("no free port pair (P, P+10000) found on 127.0.0.1");
}

function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

class NodeProcess {
	child: ChildProcess | undefined;
	stderr = "";
	constructor(
		readonly host: string,
		readonly port: number,
	) {}

	get alive(): boolean {
		const c = this.child;
		return c !== undefined && c.exitCode === null && c.signalCode === null;
	}

	async start(bin: string, dir: string, nodeTimeoutMs: number): Promise<void> {
		const args = [
			"--port",
			String(this.port),
			"--bind",
			this.host,
			"--cluster-enabled",
			"yes",
			"--cluster-config-file",
			join(dir, `nodes-${this.port}.conf`),
			"--cluster-node-timeout",
			String(nodeTimeoutMs),
			"--dir",
			dir,
			"--save",
			"",
			"--appendonly",
			"no",
			"--daemonize",
			"no",
			"--protected-mode",
			"no",
			"--logfile",
			"",
		];
		const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
		this.child = child;
		const keep = (chunk: Buffer) => {
			this.stderr = (this.stderr + chunk.toString("utf8")).slice(-4000);
		};
		child.stdout?.on("data", keep);
		child.stderr?.on("data", keep);
		const exited = new Promise<never>((_, reject) => {
			child.once("exit", (code, signal) =>
				reject(
					new Error(
						`redis-server on ${this.host}:${this.port} exited (${code ?? signal}): ${this.stderr.trim().slice(-800)}`,
					),
				),
			);
		});
		exited.catch(() => {});
		await Promise.race([waitForPort(this.host, this.port, 10_000), exited]);
	}

	async kill(): Promise<void> {
		const child = this.child;
		if (child === undefined) return;
		if (child.exitCode !== null || child.signalCode !== null) return;
		const gone = new Promise<void>((resolve) =>
			child.once("exit", () => resolve()),
		);
		child.kill("SIGKILL");
		await gone;
	}
}

function field(info: string, name: string): string | undefined {
	const m = new RegExp(`^${name}:(.*)$`, "m").exec(info);
	return m?.[1]?.trim();
}

/**
 * Starts a real Redis Cluster on loopback: `masters × (1 + replicas)` redis-server processes
 * with `--cluster-enabled yes`, no persistence, their files in a fresh temporary directory.
 * The nodes are joined with CLUSTER MEET, the slots split evenly with CLUSTER ADDSLOTSRANGE,
 * replicas attached with CLUSTER REPLICATE; it resolves once every node reports
 * `cluster_state:ok`, knows every other node, and every replica's link to its master is up.
 *
 * On any failure every started process is killed and the directory removed.
 *
 * @throws Error when redis-server is not installed (see {@link requireRedisCluster}).
 */
export async function startRedisCluster(
	options: StartRedisClusterOptions = {},
): Promise<RedisClusterHandle> {
	const bin = redisServerBinary();
	if (bin === undefined)
		throw new Error(`redis-server is not installed: ${INSTALL_HINT}`);
	const masters = options.masters ?? 3;
	const replicas = options.replicas ?? 0;
	if (!Number.isInteger(masters) || masters < 1 || masters > 16)
		throw new RangeError("masters must be an integer in 1..16");
	if (replicas !== 0 && replicas !== 1)
		throw new RangeError("replicas must be 0 or 1");
	const nodeTimeoutMs = options.nodeTimeoutMs ?? 3000;
	const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
	const host = "127.0.0.1";
	const total = masters * (1 + replicas);

	const dir = await mkdtemp(join(tmpdir(), "godropbox-redis-cluster-"));
	const procs: NodeProcess[] = [];
	const admins: Redis[] = [];
	let stopped: Promise<void> | undefined;
	// If the test process exits without stop() (a crash, a closed output pipe), still leave
	// no server and no directory behind.
	const onExit = (): void => {
		for (const p of procs) if (p.alive) p.child?.kill("SIGKILL");
		try {
			rmSync(dir, { recursive: true, force: true });
		} catch {}
	};
	process.once("exit", onExit);
	const stop = (): Promise<void> => {
		stopped ??= (async () => {
			for (const a of admins) a.disconnect();
			await Promise.all(procs.map((p) => p.kill()));
			process.removeListener("exit", onExit);
			await rm(dir, { recursive: true, force: true });
		})();
		return stopped;
	};

	try {
		const taken = new Set<number>();
		for (let i = 0; i < total; i++) {
			// A port pair found free can be taken before redis binds it: retry a few times.
			for (let attempt = 0; ; attempt++) {
				const p = new NodeProcess(host, await freeClusterPort(host, taken));
				procs.push(p);
				try {
					await p.start(bin, dir, nodeTimeoutMs);
					break;
				} catch (err) {
					await p.kill();
					procs.pop();
					if (attempt >= 4) throw err;
				}
			}
		}
		for (const p of procs) {
			const a = new Redis({
				host,
				port: p.port,
				lazyConnect: true,
				maxRetriesPerRequest: 1,
				enableOfflineQueue: true,
				retryStrategy: () => null,
			});
			a.on("error", () => {});
			admins.push(a);
			await a.connect();
		}
		const ids = await Promise.all(
			admins.map((a) => a.call("CLUSTER", "MYID") as Promise<string>),
		);
		const first = admins[0] as Redis;
		for (const p of procs.slice(1))
			await first.call("CLUSTER", "MEET", host, String(p.port));
		for (let m = 0; m < masters; m++) {
			const lo = Math.floor((m * SLOTS) / masters);
			const hi = Math.floor(((m + 1) * SLOTS) / masters) - 1;
			await (admins[m] as Redis).call(
				"CLUSTER",
				"ADDSLOTSRANGE",
				String(lo),
				String(hi),
			);
		}
		const deadline = Date.now() + readyTimeoutMs;
		const waitFor = async (
			what: string,
			check: () => Promise<boolean>,
		): Promise<void> => {
			for (;;) {
				if (await check()) return;
				if (Date.now() > deadline)
					throw new Error(
						`Redis Cluster not ready after ${readyTimeoutMs} ms: ${what}`,
					);
				await sleep(50);
			}
		};
		const knowsAll = async (a: Redis): Promise<boolean> => {
			const out = (await a.call("CLUSTER", "NODES")) as string;
			const lines = out.trim().split("\n");
			return (
				lines.length === total && lines.every((l) => !l.includes("handshake"))
			);
		};
		await waitFor("every node knows every other node", async () =>
			(await Promise.all(admins.map(knowsAll))).every(Boolean),
		);
		for (let r = 0; r < masters * replicas; r++) {
			await (admins[masters + r] as Redis).call(
				"CLUSTER",
				"REPLICATE",
				ids[r % masters] as string,
			);
		}
		await waitFor("cluster_state:ok on every node", async () => {
			const infos = await Promise.all(
				admins.map((a) => a.call("CLUSTER", "INFO") as Promise<string>),
			);
			return infos.every(
				(i) =>
					field(i, "cluster_state") === "ok" &&
					field(i, "cluster_known_nodes") === String(total),
			);
		});
		await waitFor("every replica's link to its master is up", async () => {
			const infos = await Promise.all(
				admins
					.slice(masters)
					.map((a) => a.info("replication") as Promise<string>),
			);
			return infos.every((i) => field(i, "master_link_status") === "up");
		});
		for (const a of admins) a.disconnect();
		admins.length = 0;
		const nodes: RedisClusterNode[] = procs.map((p, i) =>
			i < masters
				? { host, port: p.port, id: ids[i] as string, role: "master" }
				: {
						host,
						port: p.port,
						id: ids[i] as string,
						role: "replica",
						masterIndex: (i - masters) % masters,
					},
		);
		return {
			nodes,
			killNode: async (i: number) => {
				const p = procs[i];
				if (p === undefined)
					throw new RangeError(`no node ${i} (0..${procs.length - 1})`);
				await p.kill();
			},
			stop,
		};
	} catch (err) {
		await stop();
		throw err;
	}
}
