// EtcdShardManager against a real three-member etcd cluster (test-utils startEtcdCluster):
// propagation delay (measured and bounded), malformed maps, quorum loss and recovery, close().
import { AsyncLocalStorage, createHook } from "node:async_hooks";
import diagnostics_channel from "node:diagnostics_channel";
import {
	type EtcdCluster,
	type EtcdMember,
	requireEtcd,
	startEtcdCluster,
} from "@godropbox-ts/test-utils";
import { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	ETCD_SHARD_MAP_CHANNEL,
	EtcdShardManager,
	EtcdShardMapErrorCode,
	type EtcdShardMapEvent,
	InvalidShardMapError,
	type ShardMap,
	type ShardMapEntry,
	writeShardMap,
} from "../src/etcd/index.js";
import { ShardState } from "../src/index.js";
import { percentile, runCli, waitFor } from "./etcd-helpers/run.js";

const ok = requireEtcd();

const shardsOf = (n: number, state: ShardMapEntry["state"] = "Active") =>
	Array.from({ length: n }, (_, i) => ({
		address: `127.0.0.1:${20_000 + i}`,
		state,
	}));

describe.skipIf(!ok)("EtcdShardManager on a real 3-member etcd cluster", () => {
	let cluster: EtcdCluster;
	let admin: Etcd3;
	const managers: EtcdShardManager[] = [];
	const events: EtcdShardMapEvent[] = [];
	const onEvent = (m: unknown) => events.push(m as EtcdShardMapEvent);

	beforeAll(async () => {
		cluster = await startEtcdCluster({ members: 3 });
		admin = new Etcd3({ hosts: [...cluster.endpoints] });
		diagnostics_channel.subscribe(ETCD_SHARD_MAP_CHANNEL, onEvent);
	}, 90_000);
	afterAll(async () => {
		diagnostics_channel.unsubscribe(ETCD_SHARD_MAP_CHANNEL, onEvent);
		await Promise.all(managers.map((m) => m.close()));
		admin?.close();
		await cluster?.stop();
	}, 60_000);

	async function manager(
		key: string,
		endpoints: readonly string[] = cluster.endpoints,
	): Promise<EtcdShardManager> {
		const m = await EtcdShardManager.create({
			endpoints,
			key,
			startTimeoutMs: 30_000,
		});
		managers.push(m);
		return m;
	}

	const put = (key: string, map: ShardMap | string) =>
		admin
			.put(key)
			.value(typeof map === "string" ? map : JSON.stringify(map))
			.exec();

	it("propagates every change to every client; p50/max delay measured", async () => {
		const key = "/test/propagation";
		await put(key, { version: 1, shards: shardsOf(4) });
		// Three clients, each with its own etcd connection, endpoints in different orders.
		const e = cluster.endpoints;
		const clients = await Promise.all([
			manager(key, e),
			manager(key, [e[1], e[2], e[0]] as string[]),
			manager(key, [e[2], e[0], e[1]] as string[]),
		]);
		const delays: number[] = [];
		const rounds = 20;
		for (let v = 2; v <= rounds + 1; v++) {
			const t0 = performance.now();
			const { map } = await writeShardMap(admin, key, (cur) =>
				(cur?.shards ?? []).map((s, i) =>
					i === v % 4
						? { ...s, state: s.state === "Active" ? "WarmUp" : "Active" }
						: s,
				),
			);
			expect(map.version).toBe(v);
			const pending = new Set(clients);
			await waitFor(
				`version ${v} in every client`,
				() => {
					for (const c of pending)
						if (c.stats.mapVersion >= v) {
							delays.push(performance.now() - t0);
							pending.delete(c);
						}
					return pending.size === 0;
				},
				20_000,
				1,
			);
			for (const c of clients)
				expect(c.shardStates().map((s) => s.state)).toEqual(
					map.shards.map((s) =>
						s.state === "Active" ? ShardState.Active : ShardState.WarmUp,
					),
				);
		}
		const p50 = percentile(delays, 50);
		const max = Math.max(...delays);
		console.log(
			`etcd shard map propagation (write start -> map in force), ${delays.length} samples: p50 ${p50.toFixed(1)} ms, p90 ${percentile(delays, 90).toFixed(1)} ms, max ${max.toFixed(1)} ms`,
		);
		expect(delays).toHaveLength(rounds * clients.length);
		// The watch delivers in milliseconds; the periodic re-read (1 s) is the fallback. The bound
		// is generous for a loaded 2-core machine.
		expect(max).toBeLessThan(5000);
		for (const c of clients) {
			expect(c.stats.applied).toBe(rounds + 1);
			expect(c.stats.rejected).toBe(0);
			expect(c.stale).toBe(false);
		}
	}, 180_000);

	it("rejects malformed maps, a deleted key and version regressions; the previous map stays", async () => {
		const key = "/test/malformed";
		await put(key, { version: 5, shards: shardsOf(3) });
		const m = await manager(key);
		const before = m.shardStates();
		expect(m.stats.mapVersion).toBe(5);
		const rejectedEvents = () =>
			events.filter((e) => e.type === "rejected" && e.key === key);

		const bad: [string, string, RegExp][] = [
			["garbage", "{not json", /not valid JSON/],
			[
				"bad state",
				JSON.stringify({
					version: 6,
					shards: [{ address: "127.0.0.1:1", state: "Up" }],
				}),
				/state: expected one of/,
			],
			[
				"version regression",
				JSON.stringify({ version: 5, shards: shardsOf(1) }),
				/version 5 is not greater than the applied version 5/,
			],
		];
		let n = 0;
		for (const [, value, reason] of bad) {
			await put(key, value);
			n++;
			await waitFor("rejection", () => m.stats.rejected === n, 20_000);
			const err = m.stats.lastError;
			expect(err).toBeInstanceOf(InvalidShardMapError);
			expect(err?.code).toBe(EtcdShardMapErrorCode.InvalidShardMap);
			expect((err as InvalidShardMapError).reason).toMatch(reason);
			expect(m.shardStates()).toBe(before);
			expect(m.stats.mapVersion).toBe(5);
		}
		await admin.delete().key(key).exec();
		await waitFor("delete rejected", () => m.stats.rejected === 4, 20_000);
		expect(m.stats.lastError?.code).toBe(EtcdShardMapErrorCode.NotFound);
		expect(m.shardStates()).toBe(before);
		// Let a few periodic re-reads pass: each bad value is reported once, not every second.
		await new Promise((r) => setTimeout(r, 2500));
		expect(m.stats.rejected).toBe(4);
		expect(rejectedEvents()).toHaveLength(4);

		// The next valid map applies.
		await put(key, { version: 6, shards: shardsOf(2, "WarmUp") });
		await waitFor("version 6", () => m.stats.mapVersion === 6, 20_000);
		expect(m.shardStates()).toEqual(
			shardsOf(2).map((s) => ({
				address: s.address,
				state: ShardState.WarmUp,
			})),
		);
		expect(m.stale).toBe(false);
	}, 120_000);

	it("create() fails with a typed error when the key is missing or malformed", async () => {
		await expect(
			EtcdShardManager.create({
				endpoints: cluster.endpoints,
				key: "/test/none",
				startTimeoutMs: 1500,
			}),
		).rejects.toMatchObject({ code: EtcdShardMapErrorCode.NotFound });
		await put("/test/broken", "[]");
		await expect(
			EtcdShardManager.create({
				endpoints: cluster.endpoints,
				key: "/test/broken",
				startTimeoutMs: 1500,
			}),
		).rejects.toMatchObject({ code: EtcdShardMapErrorCode.InvalidShardMap });
	}, 60_000);

	it("quorum lost: clients serve the last map and report stale; after restart the changes made meanwhile apply", async () => {
		const key = "/test/quorum";
		await put(key, { version: 1, shards: shardsOf(3) });
		const leader = await cluster.leader();
		const second = cluster.members.find((x) => x !== leader) as EtcdMember;
		const survivor = cluster.members.find(
			(x) => x !== leader && x !== second,
		) as EtcdMember;
		// `all` talks to every member; `pinned` only to `second`, which stays down longest.
		const all = await manager(key);
		const pinned = await manager(key, [second.endpoint]);
		const served = all.shardStates();
		const staleEventsBefore = events.filter(
			(e) => e.type === "stale" && e.key === key,
		).length;

		await leader.stop();
		await second.stop();
		const lostAt = Date.now();
		await waitFor("both stale", () => all.stale && pinned.stale, 30_000, 50);
		const staleAfterMs = Date.now() - lostAt;
		console.log(`quorum lost -> stale reported after ${staleAfterMs} ms`);
		// Still serving the last map.
		expect(all.shardStates()).toBe(served);
		expect(all.getShard("user:1").address).toMatch(/^127\.0\.0\.1:2000\d$/);
		expect(all.stats.readFailures).toBeGreaterThan(0);
		expect(all.stats.lastError?.code).toBe(EtcdShardMapErrorCode.Unavailable);
		await waitFor(
			"stale events",
			() =>
				events.filter((e) => e.type === "stale" && e.key === key).length >=
				staleEventsBefore + 2,
			20_000,
			50,
		);
		// No write can succeed without quorum: the CLI says "unavailable" (exit 5).
		const refused = await runCli([
			"--endpoints",
			survivor.endpoint,
			"--key",
			key,
			"--timeout",
			"1500",
			"move",
			"0",
			"Down",
		]);
		expect(refused.code).toBe(5);
		expect(all.stats.mapVersion).toBe(1);

		// Quorum back (leader + survivor); `second` stays down. Change the map meanwhile.
		await leader.start();
		await waitFor(
			"quorum",
			async () => (await survivor.status()) !== undefined,
			30_000,
			100,
		);
		const moved = await runCli([
			"--endpoints",
			`${leader.endpoint},${survivor.endpoint}`,
			"--key",
			key,
			"move",
			"127.0.0.1:20001",
			"WarmUp",
		]);
		expect(moved.stderr).toBe("");
		expect(moved.code).toBe(0);
		await waitFor("all at v2", () => all.stats.mapVersion === 2, 30_000, 20);
		await waitFor("all fresh", () => !all.stale, 30_000, 20);
		expect(all.shardStates()[1]?.state).toBe(ShardState.WarmUp);
		expect(pinned.stale).toBe(true);
		expect(pinned.stats.mapVersion).toBe(1);

		// `second` returns: the pinned client's watch/read resumes and applies version 2.
		await second.start();
		await waitFor(
			"pinned at v2",
			() => pinned.stats.mapVersion === 2,
			45_000,
			20,
		);
		await waitFor("pinned fresh", () => !pinned.stale, 30_000, 20);
		expect(pinned.shardStates()).toEqual(all.shardStates());
		// Its only member went away and came back: the watch stream broke and was restored.
		expect(pinned.stats.watchLost).toBeGreaterThanOrEqual(1);
		await waitFor(
			"watch restored",
			() => pinned.stats.watchRestored >= 1,
			30_000,
			20,
		);
		await cluster.waitHealthy(30_000);

		// And the watch works again: one more change reaches both.
		await writeShardMap(admin, key, (cur) =>
			(cur?.shards ?? []).map((s) => ({ ...s, state: "Active" })),
		);
		await waitFor(
			"v3 everywhere",
			() => all.stats.mapVersion === 3 && pinned.stats.mapVersion === 3,
			30_000,
			20,
		);
		expect(events.some((e) => e.type === "fresh" && e.key === key)).toBe(true);
	}, 240_000);

	it("survives a leader change: changes written under the new leader reach every client", async () => {
		const key = "/test/leader-change";
		await put(key, { version: 1, shards: shardsOf(3) });
		const clients = await Promise.all([manager(key), manager(key)]);
		const leader = await cluster.leader();
		await leader.stop();
		const next = await cluster.leader(30_000);
		expect(next).not.toBe(leader);
		const rest = cluster.members
			.filter((m) => m !== leader)
			.map((m) => m.endpoint);
		const w = new Etcd3({ hosts: rest });
		try {
			const { map } = await writeShardMap(w, key, (cur) =>
				(cur?.shards ?? []).map((s, i) =>
					i === 0 ? { ...s, state: "Down" } : s,
				),
			);
			await waitFor(
				"new map everywhere",
				() => clients.every((c) => c.stats.mapVersion === map.version),
				30_000,
				10,
			);
			for (const c of clients)
				expect(c.shardStates()[0]?.state).toBe(ShardState.Down);
			await waitFor("fresh", () => clients.every((c) => !c.stale), 30_000, 20);
		} finally {
			w.close();
			await leader.start();
			await cluster.waitHealthy(30_000);
		}
	}, 120_000);

	it("a watch whose resume revision was compacted away is recreated after a fresh read", async () => {
		const key = "/test/compacted";
		await put(key, { version: 1, shards: shardsOf(2) });
		const member =
			(await cluster.leader()) === cluster.members[0]
				? (cluster.members[1] as EtcdMember)
				: (cluster.members[0] as EtcdMember);
		const pinned = await manager(key, [member.endpoint]);
		await member.stop();
		// While the pinned client's only member is down: several writes, then a compaction
		// past all of them, so the watch cannot resume where it left off.
		const rest = cluster.members
			.filter((m) => m !== member)
			.map((m) => m.endpoint);
		const w = new Etcd3({ hosts: rest });
		try {
			let revision = 0;
			for (let v = 2; v <= 5; v++) {
				const r = await writeShardMap(w, key, (cur) =>
					(cur?.shards ?? []).map((s, i) =>
						i === v % 2
							? { ...s, state: v % 3 === 0 ? "WarmUp" : "Active" }
							: s,
					),
				);
				revision = r.revision;
			}
			await w.put("/test/compacted-filler").value("x").exec();
			await w.kv.compact({ revision: String(revision + 1), physical: true });
		} finally {
			w.close();
		}
		await member.start();
		await waitFor(
			"v5 applied",
			() => pinned.stats.mapVersion === 5,
			45_000,
			20,
		);
		await waitFor("fresh", () => !pinned.stale, 30_000, 20);
		// And it keeps following: one more change arrives.
		await writeShardMap(admin, key, (cur) =>
			(cur?.shards ?? []).map((s) => ({ ...s, state: "WriteOnly" })),
		);
		await waitFor(
			"v6 applied",
			() => pinned.stats.mapVersion === 6,
			30_000,
			20,
		);
		expect(
			pinned.shardStates().every((s) => s.state === ShardState.WriteOnly),
		).toBe(true);
		expect(pinned.stats.watchLost).toBeGreaterThanOrEqual(1);
		// The resumed watch was cancelled by etcd (its revision is compacted) and recreated.
		expect(
			events.some(
				(e) =>
					e.type === "watch-lost" &&
					e.key === key &&
					/cancel/i.test(String((e.error as Error | undefined)?.message)),
			),
		).toBe(true);
		await cluster.waitHealthy(30_000);
	}, 180_000);

	it("initialShards: serves them (stale) while there is no map, then the map replaces them", async () => {
		const key = "/test/initial";
		const m = await EtcdShardManager.create({
			endpoints: cluster.endpoints,
			key,
			initialShards: ["127.0.0.1:30000", "127.0.0.1:30001"],
		});
		managers.push(m);
		expect(m.shardStates()).toEqual([
			{ address: "127.0.0.1:30000", state: ShardState.Active },
			{ address: "127.0.0.1:30001", state: ShardState.Active },
		]);
		expect(m.stale).toBe(true);
		expect(m.stats.mapVersion).toBe(0);
		expect(m.stats.lastError?.code).toBe(EtcdShardMapErrorCode.NotFound);
		await put(key, { version: 1, shards: shardsOf(3, "WriteOnly") });
		await waitFor("map applied", () => m.stats.mapVersion === 1, 20_000);
		expect(m.shardStates()).toHaveLength(3);
		expect(m.stale).toBe(false);
	}, 60_000);

	it("initialShards with etcd unreachable: create() resolves at once and reports stale", async () => {
		const t0 = Date.now();
		await using m = await EtcdShardManager.create({
			endpoints: ["http://127.0.0.1:1"],
			key: "/test/unreachable",
			initialShards: ["127.0.0.1:30000"],
			requestTimeoutMs: 500,
		});
		expect(Date.now() - t0).toBeLessThan(10_000);
		expect(m.stale).toBe(true);
		expect(m.shardStates()).toHaveLength(1);
		expect(m.stats.lastError?.code).toBe(EtcdShardMapErrorCode.Unavailable);
	}, 60_000);

	it("rejects bad options at the call", async () => {
		const base = { endpoints: cluster.endpoints };
		await expect(EtcdShardManager.create({})).rejects.toMatchObject({
			code: "ERR_MEMCACHE_INVALID_ARGUMENT",
		});
		await expect(
			EtcdShardManager.create({ ...base, checkIntervalMs: 0 }),
		).rejects.toThrow(/checkIntervalMs must be a positive number/);
		await expect(EtcdShardManager.create({ ...base, key: "" })).rejects.toThrow(
			/key must be a non-empty string/,
		);
	});

	it("close() cancels the watch, clears timers and closes its etcd client (no leaked handles)", async () => {
		const key = "/test/close";
		await put(key, { version: 1, shards: shardsOf(2) });
		// Sockets and timers this manager creates (created in the async context of its create():
		// the earlier tests' managers are still open and open channels of their own meanwhile):
		// after close(), every socket, every timer the manager's own code set, and every timer
		// that keeps the process alive must be gone. (grpc-js also sets unref()ed timers of its
		// own, e.g. a subchannel pool sweep that clears itself on its next 10 s tick; they hold
		// nothing open.)
		interface Tracked {
			readonly type: string;
			readonly ours: boolean;
			readonly resource: { hasRef?: () => boolean };
			readonly stack: string;
		}
		const live = new Map<number, Tracked>();
		const created: Tracked[] = [];
		const context = new AsyncLocalStorage<true>();
		const hook = createHook({
			init(id, type, _trigger, resource) {
				if (type !== "TCPWRAP" && type !== "Timeout") return;
				if (context.getStore() !== true) return;
				const limit = Error.stackTraceLimit;
				Error.stackTraceLimit = 50;
				const stack = new Error().stack ?? "";
				Error.stackTraceLimit = limit;
				const tracked: Tracked = {
					type,
					ours: /etcd-shard-manager\.ts/.test(stack),
					resource: resource as Tracked["resource"],
					stack,
				};
				live.set(id, tracked);
				created.push(tracked);
			},
			destroy(id) {
				live.delete(id);
			},
		}).enable();
		const mustGo = (t: Tracked) =>
			t.type === "TCPWRAP" || t.ours || t.resource.hasRef?.() !== false;
		const m = await context.run(true, () =>
			EtcdShardManager.create({
				endpoints: cluster.endpoints,
				key,
				// grpc-js shares connections between clients with equal options through a global
				// subchannel pool; a local pool makes every socket this manager opens its own.
				etcdOptions: { grpcOptions: { "grpc.use_local_subchannel_pool": 1 } },
			}),
		);
		try {
			// The manager's periodic check and at least one socket to etcd.
			expect(created.some((t) => t.type === "Timeout" && t.ours)).toBe(true);
			expect(created.some((t) => t.type === "TCPWRAP")).toBe(true);
			await m.close();
			await m.close();
			const open = () => [...live.values()].filter(mustGo);
			await waitFor(
				"handles released",
				() => open().length === 0,
				10_000,
				50,
			).catch((e: unknown) => {
				throw new Error(
					`${String(e)}; still open: ${open()
						.map(
							(t) =>
								`${t.type}${t.ours ? " (the manager's)" : ""} created ${t.stack
									.split("\n")
									.filter(
										(l) => !/^Error|AsyncHook\.init|node:internal/.test(l),
									)
									.slice(0, 8)
									.join("\n")}`,
						)
						.join("\n")}`,
				);
			});
		} finally {
			hook.disable();
		}
		await expect(m.refresh()).rejects.toMatchObject({
			code: EtcdShardMapErrorCode.Closed,
		});
		// A closed manager no longer follows the key.
		await put(key, { version: 2, shards: shardsOf(2) });
		await new Promise((r) => setTimeout(r, 1500));
		expect(m.stats.mapVersion).toBe(1);
		{
			await using d = await EtcdShardManager.create({
				endpoints: cluster.endpoints,
				key,
			});
			expect(d.stats.mapVersion).toBe(2);
		}
	}, 60_000);
});
