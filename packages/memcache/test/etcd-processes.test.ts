// Two client processes (spawned with tsx), each with its own EtcdShardManager watching the same
// map in a real 3-member etcd cluster, agree on the shard (id, address, served) of every one of
// 1000 keys after each change — including changes of the shard count and of an address.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import {
	type EtcdCluster,
	requireEtcd,
	startEtcdCluster,
} from "@godropbox-ts/test-utils";
import { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	EtcdShardManager,
	type ShardMapEntry,
	writeShardMap,
} from "../src/etcd/index.js";
import { packageDir } from "./etcd-helpers/run.js";

const ok = requireEtcd();
const KEY = "/procs/shard-map";
const NUM_KEYS = 1000;

interface Dump {
	version: number;
	shards: number[];
	addresses: (string | null)[];
	serve: boolean[];
}

class ClientProcess {
	readonly child: ChildProcessWithoutNullStreams;
	readonly #lines: Interface;
	readonly #queue: string[] = [];
	readonly #waiters: ((line: string) => void)[] = [];
	#stderr = "";

	constructor(endpoints: readonly string[]) {
		this.child = spawn(
			process.execPath,
			[
				"--import",
				"tsx",
				join(packageDir, "test/etcd-helpers/shard-client.ts"),
				endpoints.join(","),
				KEY,
				String(NUM_KEYS),
			],
			{ cwd: packageDir },
		);
		this.child.stderr.setEncoding("utf8").on("data", (c: string) => {
			this.#stderr = (this.#stderr + c).slice(-4000);
		});
		this.#lines = createInterface({ input: this.child.stdout });
		this.#lines.on("line", (line) => {
			const w = this.#waiters.shift();
			if (w) w(line);
			else this.#queue.push(line);
		});
	}

	next(timeoutMs = 60_000): Promise<string> {
		const queued = this.#queue.shift();
		if (queued !== undefined) return Promise.resolve(queued);
		return new Promise((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`client process silent: ${this.#stderr}`)),
				timeoutMs,
			);
			this.#waiters.push((line) => {
				clearTimeout(timer);
				resolve(line);
			});
		});
	}

	async dump(version: number): Promise<Dump> {
		this.child.stdin.write(`dump ${version}\n`);
		return JSON.parse(await this.next()) as Dump;
	}

	async quit(): Promise<number | null> {
		const exited = new Promise<number | null>((r) =>
			this.child.once("exit", r),
		);
		if (this.child.exitCode !== null) return this.child.exitCode;
		this.child.stdin.end("quit\n");
		const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
		const code = await exited;
		clearTimeout(timer);
		return code;
	}
}

describe.skipIf(!ok)("two client processes watching one shard map", () => {
	let cluster: EtcdCluster;
	let admin: Etcd3;
	let procs: ClientProcess[] = [];
	beforeAll(async () => {
		cluster = await startEtcdCluster({ members: 3 });
		admin = new Etcd3({ hosts: [...cluster.endpoints] });
	}, 90_000);
	afterAll(async () => {
		await Promise.all(procs.map((p) => p.quit()));
		admin?.close();
		await cluster?.stop();
	}, 60_000);

	it("agree on the shard of each of 1000 keys after every change", async () => {
		const addr = (i: number) => `127.0.0.1:${21_000 + i}`;
		const initial: ShardMapEntry[] = [0, 1, 2, 3].map((i) => ({
			address: addr(i),
			state: "Active",
		}));
		await writeShardMap(admin, KEY, () => initial, { createOnly: true });
		const e = cluster.endpoints;
		procs = [
			new ClientProcess(e),
			new ClientProcess([e[2], e[1], e[0]] as string[]),
		];
		for (const p of procs) expect(await p.next()).toBe("ready");
		// A third view in this process, as the reference.
		await using local = await EtcdShardManager.create({
			endpoints: e,
			key: KEY,
		});
		const keys = Array.from({ length: NUM_KEYS }, (_, i) => `user:${i}`);

		const changes: ((cur: readonly ShardMapEntry[]) => ShardMapEntry[])[] = [
			(cur) => cur.map((s, i) => (i === 1 ? { ...s, state: "WarmUp" } : s)),
			(cur) => cur.map((s, i) => (i === 2 ? { ...s, state: "Down" } : s)),
			(cur) => [...cur, { address: addr(4), state: "Active" }], // resize: 4 -> 5 shards
			(cur) =>
				cur.map((s, i) =>
					i === 0 ? { address: addr(9), state: "WriteOnly" } : s,
				),
			(cur) => cur.slice(0, 3).map((s) => ({ ...s, state: "Active" })), // 5 -> 3 shards
		];
		let version = 1;
		const distinctShardCounts = new Set<number>();
		for (let step = 0; step <= changes.length; step++) {
			if (step > 0) {
				const change = changes[step - 1] as (typeof changes)[number];
				const r = await writeShardMap(admin, KEY, (cur) =>
					change(cur?.shards ?? []),
				);
				version = r.map.version;
			}
			const [a, b] = await Promise.all(procs.map((p) => p.dump(version)));
			expect(a?.version).toBe(version);
			expect(b?.version).toBe(version);
			expect(a?.shards).toHaveLength(NUM_KEYS);
			expect(b?.shards).toEqual(a?.shards);
			expect(b?.addresses).toEqual(a?.addresses);
			expect(b?.serve).toEqual(a?.serve);
			// Same as this process's manager once it is at that version.
			const deadline = Date.now() + 30_000;
			while (local.stats.mapVersion < version && Date.now() < deadline)
				await new Promise((r) => setTimeout(r, 10));
			const mine = keys.map((k) => local.getShard(k));
			expect(a?.shards).toEqual(mine.map((l) => l.shardId));
			expect(a?.addresses).toEqual(mine.map((l) => l.address ?? null));
			expect(a?.serve).toEqual(mine.map((l) => l.serve));
			distinctShardCounts.add(new Set(a?.shards).size);
		}
		// The keys really spread over the shards (the comparison is not trivially equal).
		expect([...distinctShardCounts].sort()).toEqual([3, 4, 5]);
		expect(await Promise.all(procs.map((p) => p.quit()))).toEqual([0, 0]);
	}, 240_000);
});
