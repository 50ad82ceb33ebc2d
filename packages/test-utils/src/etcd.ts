import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForPort } from "./ports.js";
import { isCI } from "./servers.js";

/** Path of the etcd binary: `ETCD_BIN`, else the one on PATH, else undefined. */
export function etcdBinary(): string | undefined {
	if (process.env.ETCD_BIN) return process.env.ETCD_BIN;
	try {
		return (
			execFileSync("sh", ["-c", "command -v etcd"], {
				encoding: "utf8",
			}).trim() || undefined
		);
	} catch {
		return undefined;
	}
}

const ETCD_HINT =
	"install etcd (Debian/Ubuntu: apt-get install -y etcd-server) or set ETCD_BIN";
let etcdWarned = false;

/**
 * Checks that an etcd binary is available, with the rule of `requireServers`: under CI a
 * missing binary throws; elsewhere it prints one skip line naming what to install and returns
 * false, for `describe.skipIf(!ok)`.
 */
export function requireEtcd(): boolean {
	if (etcdBinary() !== undefined) return true;
	const line = `skipping etcd tests: etcd is missing — ${ETCD_HINT}`;
	if (isCI())
		throw new Error(`CI=true and a required server is missing: ${line}`);
	if (!etcdWarned) {
		etcdWarned = true;
		console.warn(line);
	}
	return false;
}

/** Options for {@link startEtcdCluster}. */
export interface StartEtcdClusterOptions {
	/** Number of members. @defaultValue 3 */
	readonly members?: number | undefined;
	/** Raft heartbeat interval in ms. @defaultValue 100 */
	readonly heartbeatMs?: number | undefined;
	/** Raft election timeout in ms (generous: the test machine is loaded). @defaultValue 1500 */
	readonly electionTimeoutMs?: number | undefined;
	/** How long to wait for the cluster to elect a leader, in ms. @defaultValue 30000 */
	readonly startTimeoutMs?: number | undefined;
}

/** One etcd member process. */
export class EtcdMember {
	readonly name: string;
	readonly clientPort: number;
	readonly peerPort: number;
	#child: ChildProcess | undefined;
	#exited: Promise<void> | undefined;
	readonly #bin: string;
	readonly #args: readonly string[];
	#log = "";

	/** @internal */
	constructor(
		bin: string,
		name: string,
		clientPort: number,
		peerPort: number,
		args: readonly string[],
	) {
		this.#bin = bin;
		this.name = name;
		this.clientPort = clientPort;
		this.peerPort = peerPort;
		this.#args = args;
	}

	/** `http://127.0.0.1:<clientPort>`, the form etcd clients take. */
	get endpoint(): string {
		return `http://127.0.0.1:${this.clientPort}`;
	}

	/** Whether the process is running. */
	get running(): boolean {
		const c = this.#child;
		return c !== undefined && c.exitCode === null && c.signalCode === null;
	}

	/** The last few KiB of the member's log (stderr). */
	get log(): string {
		return this.#log;
	}

	/**
	 * Starts (or restarts, keeping its data dir) the member and waits until its client port
	 * accepts connections. A restarted member rejoins the cluster from its data dir.
	 */
	async start(timeoutMs = 20_000): Promise<void> {
		if (this.running) return;
		const child = spawn(this.#bin, [...this.#args], {
			stdio: ["ignore", "ignore", "pipe"],
		});
		child.stderr?.setEncoding("utf8");
		child.stderr?.on("data", (chunk: string) => {
			this.#log = (this.#log + chunk).slice(-8000);
		});
		this.#child = child;
		this.#exited = new Promise<void>((resolve) =>
			child.once("exit", () => resolve()),
		);
		const died = this.#exited.then(() => {
			throw new Error(
				`etcd member ${this.name} exited (${child.exitCode ?? child.signalCode}): ${this.#log.trim().slice(-2000)}`,
			);
		});
		died.catch(() => {});
		await Promise.race([
			waitForPort("127.0.0.1", this.clientPort, timeoutMs),
			died,
		]);
	}

	/** Stops the member (`SIGTERM`, then `SIGKILL` after 5 s) and waits for it to exit. */
	async stop(): Promise<void> {
		const child = this.#child;
		const exited = this.#exited;
		this.#child = undefined;
		this.#exited = undefined;
		if (child === undefined || exited === undefined) return;
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill("SIGTERM");
		const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
		await exited;
		clearTimeout(timer);
	}

	/** Kills the member at once (`SIGKILL`), as a crash. */
	async kill(): Promise<void> {
		const child = this.#child;
		const exited = this.#exited;
		this.#child = undefined;
		this.#exited = undefined;
		if (child === undefined || exited === undefined) return;
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill("SIGKILL");
		await exited;
	}

	/**
	 * The member's view of the cluster through the v3 JSON gateway
	 * (`POST /v3/maintenance/status`): its id and the leader's, or undefined when it does not
	 * answer within `timeoutMs` (stopped, or no leader).
	 */
	async status(
		timeoutMs = 2000,
	): Promise<{ memberId: string; leaderId: string } | undefined> {
		if (!this.running) return undefined;
		try {
			const res = await fetch(`${this.endpoint}/v3/maintenance/status`, {
				method: "POST",
				body: "{}",
				signal: AbortSignal.timeout(timeoutMs),
			});
			if (!res.ok) return undefined;
			const body = (await res.json()) as {
				header?: { member_id?: string };
				leader?: string;
			};
			const memberId = body.header?.member_id;
			const leaderId = body.leader;
			if (memberId === undefined || leaderId === undefined || leaderId === "0")
				return undefined;
			return { memberId, leaderId };
		} catch {
			return undefined;
		}
	}
}

/** A running etcd cluster; `stop()` it in `afterAll`. */
export interface EtcdCluster {
	readonly members: readonly EtcdMember[];
	/** Client URLs of every member, in member order (for `new Etcd3({ hosts })`). */
	readonly endpoints: readonly string[];
	/** The members' data dirs live under this temporary directory (removed by `stop()`). */
	readonly dataRoot: string;
	/**
	 * The current leader as the running members see it, polled until one reports a leader or
	 * `timeoutMs` passes (then rejects).
	 */
	leader(timeoutMs?: number): Promise<EtcdMember>;
	/** Waits until every running member agrees on one leader (after restarts). */
	waitHealthy(timeoutMs?: number): Promise<void>;
	/** Stops every member and removes the data dirs. Idempotent. */
	stop(): Promise<void>;
}

/**
 * Starts a real etcd cluster of `members` processes on free loopback ports, with data dirs in
 * a temporary directory, and waits until it has elected a leader.
 *
 * @throws Error when no etcd binary is found (guard the suite with {@link requireEtcd}).
 * @example
 * const cluster = await startEtcdCluster({ members: 3 });
 * const leader = await cluster.leader();
 * await leader.stop();
 */
export async function startEtcdCluster(
	options: StartEtcdClusterOptions = {},
): Promise<EtcdCluster> {
	const bin = etcdBinary();
	if (bin === undefined) throw new Error(`etcd is not installed: ${ETCD_HINT}`);
	const n = options.members ?? 3;
	if (!Number.isInteger(n) || n < 1)
		throw new RangeError("members must be a positive integer");
	// A port found free can be taken before etcd binds it: retry the whole start a few times.
	for (let attempt = 0; ; attempt++) {
		const dataRoot = await mkdtemp(join(tmpdir(), "godropbox-etcd-"));
		const cluster = await createCluster(bin, n, dataRoot, options);
		try {
			await Promise.all(cluster.members.map((m) => m.start()));
			await cluster.waitHealthy(options.startTimeoutMs ?? 30_000);
			return cluster;
		} catch (err) {
			await cluster.stop();
			if (attempt >= 2) throw err;
		}
	}
}

async function createCluster(
	bin: string,
	n: number,
	dataRoot: string,
	options: StartEtcdClusterOptions,
): Promise<EtcdCluster> {
	const ports: { client: number; peer: number }[] = [];
	const used = new Set<number>();
	while (ports.length < n) {
		const client = await freePort();
		const peer = await freePort();
		if (used.has(client) || used.has(peer) || client === peer) continue;
		used.add(client);
		used.add(peer);
		ports.push({ client, peer });
	}
	const initialCluster = ports
		.map((p, i) => `m${i}=http://127.0.0.1:${p.peer}`)
		.join(",");
	const token = `godropbox-${process.pid}-${Date.now()}`;
	const members = ports.map((p, i) => {
		const name = `m${i}`;
		const args = [
			"--name",
			name,
			"--data-dir",
			join(dataRoot, name),
			"--listen-client-urls",
			`http://127.0.0.1:${p.client}`,
			"--advertise-client-urls",
			`http://127.0.0.1:${p.client}`,
			"--listen-peer-urls",
			`http://127.0.0.1:${p.peer}`,
			"--initial-advertise-peer-urls",
			`http://127.0.0.1:${p.peer}`,
			"--initial-cluster",
			initialCluster,
			"--initial-cluster-state",
			"new",
			"--initial-cluster-token",
			token,
			"--heartbeat-interval",
			String(options.heartbeatMs ?? 100),
			"--election-timeout",
			String(options.electionTimeoutMs ?? 1500),
			// A restarted member must not disrupt a healthy leader (default on from etcd 3.5).
			"--pre-vote",
			"--logger",
			"zap",
			"--log-level",
			"warn",
		];
		return new EtcdMember(bin, name, p.client, p.peer, args);
	});
	let stopped: Promise<void> | undefined;

	const agreedLeader = async (): Promise<EtcdMember | undefined> => {
		const running = members.filter((m) => m.running);
		const statuses = await Promise.all(running.map((m) => m.status()));
		if (statuses.length === 0 || statuses.some((s) => s === undefined))
			return undefined;
		const leaderId = statuses[0]?.leaderId;
		if (!statuses.every((s) => s?.leaderId === leaderId)) return undefined;
		const idx = statuses.findIndex((s) => s?.memberId === leaderId);
		return idx === -1 ? undefined : running[idx];
	};

	return {
		members,
		endpoints: members.map((m) => m.endpoint),
		dataRoot,
		async leader(timeoutMs = 20_000) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				const running = members.filter((m) => m.running);
				const statuses = await Promise.all(running.map((m) => m.status()));
				for (const s of statuses) {
					if (s === undefined) continue;
					const idx = statuses.findIndex((o) => o?.memberId === s.leaderId);
					const leader = running[idx];
					if (idx !== -1 && leader !== undefined) return leader;
				}
				await new Promise((r) => setTimeout(r, 100));
			}
			throw new Error(`no etcd leader within ${timeoutMs} ms`);
		},
		async waitHealthy(timeoutMs = 30_000) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				if ((await agreedLeader()) !== undefined) return;
				await new Promise((r) => setTimeout(r, 100));
			}
			throw new Error(
				`etcd members did not agree on a leader within ${timeoutMs} ms: ${members
					.map((m) => `${m.name}: ${m.log.trim().slice(-300)}`)
					.join(" | ")}`,
			);
		},
		stop() {
			stopped ??= (async () => {
				await Promise.all(members.map((m) => m.stop()));
				await rm(dataRoot, { recursive: true, force: true });
			})();
			return stopped;
		},
	};
}
