import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	createTestCertificates,
	opensslAvailable,
	type TestCertificates,
} from "./etcd-tls.js";
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
 * false, for `describe.skipIf(!ok)`. With `{ tls: true }` the `openssl` CLI is required too
 * (for `startEtcdCluster({ tls: true })`).
 */
export function requireEtcd(options: { readonly tls?: boolean } = {}): boolean {
	if (options.tls === true && !opensslAvailable()) {
		const line =
			"skipping etcd TLS tests: the openssl CLI is missing — install openssl";
		if (isCI())
			throw new Error(`CI=true and a required tool is missing: ${line}`);
		console.warn(line);
		return false;
	}
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
	/**
	 * Serve clients over TLS (`https://` endpoints) with a throw-away CA and server certificate
	 * for 127.0.0.1 made by `openssl` in the data root ({@link EtcdCluster.tls}). Peer traffic
	 * stays plain. @defaultValue false
	 */
	readonly tls?: boolean | undefined;
	/**
	 * With `tls`: members also require a client certificate signed by that CA
	 * (`--client-cert-auth`; {@link EtcdCluster.tls} has one). Implies `tls`. @defaultValue false
	 */
	readonly clientCertAuth?: boolean | undefined;
	/**
	 * Enable etcd authentication once the cluster is up: user `root` (role `root`) with a random
	 * password, in {@link EtcdCluster.auth}. Every KV request then needs a token. Not together
	 * with `clientCertAuth`: etcd 3.4's JSON gateway, which `status()` uses, then refuses
	 * requests that carry a client certificate. @defaultValue false
	 */
	readonly auth?: boolean | undefined;
}

/** The TLS material a member serves and checks with, and whether it requires client certs. */
interface MemberTls {
	readonly files: TestCertificates;
	readonly clientCertAuth: boolean;
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
	readonly #tls: MemberTls | undefined;
	#log = "";

	/** @internal */
	constructor(
		bin: string,
		name: string,
		clientPort: number,
		peerPort: number,
		args: readonly string[],
		tls?: MemberTls,
	) {
		this.#bin = bin;
		this.name = name;
		this.clientPort = clientPort;
		this.peerPort = peerPort;
		this.#args = args;
		this.#tls = tls;
	}

	/**
	 * `http://127.0.0.1:<clientPort>` (`https://` with `tls`), the form etcd clients take.
	 */
	get endpoint(): string {
		return `${this.#tls === undefined ? "http" : "https"}://127.0.0.1:${this.clientPort}`;
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
			const res = await this.gateway("/v3/maintenance/status", {}, timeoutMs);
			if (res.status !== 200) return undefined;
			const body = res.body as {
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

	/**
	 * POSTs `body` as JSON to the member's v3 JSON gateway (`path` like `/v3/auth/enable`),
	 * trusting the test CA (and presenting the test client certificate) under `tls`.
	 * Rejects on network errors and after `timeoutMs`; any HTTP status resolves (`body` is the
	 * parsed JSON, or the text when it is not JSON). `token` (from `/v3/auth/authenticate`) is
	 * sent as the `Authorization` header.
	 */
	gateway(
		path: string,
		body: unknown,
		timeoutMs = 2000,
		token?: string,
	): Promise<{ status: number; body: unknown }> {
		const tls = this.#tls;
		const headers: Record<string, string> = {
			"content-type": "application/json",
		};
		if (token !== undefined) headers.authorization = token;
		return new Promise((resolve, reject) => {
			const onResponse = (res: http.IncomingMessage) => {
				let text = "";
				res.setEncoding("utf8");
				res.on("data", (c: string) => {
					text += c;
				});
				res.on("error", reject);
				res.on("end", () => {
					let parsed: unknown = text;
					try {
						parsed = JSON.parse(text);
					} catch {
						// Not JSON (e.g. a plain-text refusal): keep the text.
					}
					resolve({ status: res.statusCode ?? 0, body: parsed });
				});
			};
			const url = `${this.endpoint}${path}`;
			const req =
				tls === undefined
					? http.request(url, { method: "POST", headers }, onResponse)
					: https.request(
							url,
							{
								method: "POST",
								headers,
								ca: tls.files.ca,
								cert: tls.files.clientCert,
								key: tls.files.clientKey,
							},
							onResponse,
						);
			req.setTimeout(timeoutMs, () =>
				req.destroy(new Error(`no answer from ${url} in ${timeoutMs} ms`)),
			);
			req.on("error", reject);
			req.end(JSON.stringify(body));
		});
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
	 * With `tls`: the CA clients must trust (`caFile`, `ca`) and a client certificate
	 * (`clientCertFile`/`clientKeyFile`, required with `clientCertAuth`), under `dataRoot`.
	 */
	readonly tls: TestCertificates | undefined;
	/** With `auth`: the root user's name and password. */
	readonly auth:
		| { readonly username: string; readonly password: string }
		| undefined;
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
	const withTls = options.tls === true || options.clientCertAuth === true;
	if (options.clientCertAuth === true && options.auth === true)
		throw new RangeError(
			"startEtcdCluster: clientCertAuth and auth together are not supported (etcd 3.4's JSON gateway, used for status(), refuses client-certificate requests once auth is on); start one cluster of each",
		);
	if (withTls && !opensslAvailable())
		throw new Error("startEtcdCluster({ tls }) needs the openssl CLI on PATH");
	// A port found free can be taken before etcd binds it: retry the whole start a few times.
	for (let attempt = 0; ; attempt++) {
		const dataRoot = await mkdtemp(join(tmpdir(), "godropbox-etcd-"));
		let cluster: EtcdCluster | undefined;
		try {
			const tls = withTls
				? await createTestCertificates(join(dataRoot, "tls"))
				: undefined;
			cluster = await createCluster(bin, n, dataRoot, options, tls);
			await Promise.all(cluster.members.map((m) => m.start()));
			await cluster.waitHealthy(options.startTimeoutMs ?? 30_000);
			if (cluster.auth !== undefined)
				await enableAuth(cluster, cluster.auth.password);
			return cluster;
		} catch (err) {
			if (cluster === undefined)
				await rm(dataRoot, { recursive: true, force: true });
			else await cluster.stop();
			if (attempt >= 2) throw err;
		}
	}
}

/**
 * etcd's own steps for `etcdctl user add root` + `etcdctl auth enable`, through the v3 JSON
 * gateway of the leader (no etcdctl binary needed): role root, user root, grant, enable.
 */
async function enableAuth(
	cluster: EtcdCluster,
	password: string,
): Promise<void> {
	const leader = await cluster.leader();
	const steps: [string, unknown][] = [
		["/v3/auth/role/add", { name: "root" }],
		["/v3/auth/user/add", { name: "root", password }],
		["/v3/auth/user/grant", { user: "root", role: "root" }],
		["/v3/auth/enable", {}],
	];
	for (const [path, body] of steps) {
		const res = await leader.gateway(path, body, 10_000);
		if (res.status !== 200)
			throw new Error(
				`etcd ${path} failed (${res.status}): ${JSON.stringify(res.body)}`,
			);
	}
}

async function createCluster(
	bin: string,
	n: number,
	dataRoot: string,
	options: StartEtcdClusterOptions,
	tls: TestCertificates | undefined,
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
	const clientCertAuth = options.clientCertAuth === true;
	const memberTls: MemberTls | undefined =
		tls === undefined ? undefined : { files: tls, clientCertAuth };
	const scheme = tls === undefined ? "http" : "https";
	const tlsArgs =
		tls === undefined
			? []
			: [
					"--cert-file",
					tls.serverCertFile,
					"--key-file",
					tls.serverKeyFile,
					...(clientCertAuth
						? ["--client-cert-auth", "--trusted-ca-file", tls.caFile]
						: []),
				];
	const members = ports.map((p, i) => {
		const name = `m${i}`;
		const args = [
			"--name",
			name,
			"--data-dir",
			join(dataRoot, name),
			"--listen-client-urls",
			`${scheme}://127.0.0.1:${p.client}`,
			"--advertise-client-urls",
			`${scheme}://127.0.0.1:${p.client}`,
			...tlsArgs,
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
		return new EtcdMember(bin, name, p.client, p.peer, args, memberTls);
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
		tls,
		auth:
			options.auth === true
				? { username: "root", password: randomBytes(12).toString("base64url") }
				: undefined,
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
