import { consistentHashShardFunction } from "@godropbox-ts/hash2";
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectionPoolLike, PooledConnection } from "../../src/index.js";
import {
	BaseShardManager,
	createClient,
	RawBinaryClient,
	ResponseStatus,
	ShardedClient,
	ShardState,
	StaticShardManager,
} from "../../src/index.js";

const ok = await requireServers("memcached");
const b = (s: string) => Buffer.from(s);

/** A key that the default shard function puts on `shard` of 3. */
function keyOn(shard: number, prefix: string, n = 3): string {
	for (let i = 0; i < 10_000; i++) {
		const k = `${prefix}-${i}`;
		if (consistentHashShardFunction(k, n) === shard) return k;
	}
	throw new Error("no key found");
}

describe.skipIf(!ok).each(["binary", "ascii"] as const)(
	"sharded client over 3 real servers (%s)",
	(protocol) => {
		let cluster: MemcachedCluster;
		let direct: RawBinaryClient[];
		beforeAll(async () => {
			cluster = await startMemcached({ count: 3 });
			direct = cluster.addresses.map(
				(address) => new RawBinaryClient({ address }),
			);
		});
		afterAll(async () => {
			await Promise.all(direct?.map((c) => c.close()) ?? []);
			await cluster?.stop();
		});

		it("createClient routes every key to its consistent-hash shard", async () => {
			await using client = createClient({
				timeout: 5000,
				servers: cluster.addresses,
				protocol,
			});
			const keys = Array.from(
				{ length: 60 },
				(_, i) => `route-${protocol}-${i}`,
			);
			const set = await client.setMulti(
				keys.map((k) => ({ key: k, value: b(k) })),
			);
			expect(set.map((r) => r.key)).toEqual(keys);
			expect(set.every((r) => r.status === 0)).toBe(true);
			for (const k of keys) {
				const shard = consistentHashShardFunction(k, 3);
				const r = await (direct[shard] as RawBinaryClient).get(k);
				expect(r.value?.toString()).toBe(k);
			}
			const got = await client.getMulti(keys);
			expect([...got.keys()]).toEqual(keys);
			for (const k of keys) expect(got.get(k)?.value?.toString()).toBe(k);
			const del = await client.deleteMulti(keys.slice(0, 5));
			expect(del.every((r) => r.status === 0)).toBe(true);
			const single = await client.get(keys[10] as string);
			expect(single.value?.toString()).toBe(keys[10]);
			const stats = client.stats();
			expect(stats).toHaveLength(3);
			expect(stats.reduce((a, s) => a + s.hits, 0)).toBeGreaterThanOrEqual(56);
			const v = await client.version();
			expect([...v.versions.keys()]).toEqual([0, 1, 2]);
			const st = await client.stat("");
			expect(st.entries.size).toBe(3);
		});

		it("shard states: which calls each state serves (spec §7.2)", async () => {
			const manager = new StaticShardManager(cluster.addresses, undefined);
			await using client = new ShardedClient(manager, {
				timeout: 5000,
				protocol,
				closeManager: true,
			});
			const k = [
				keyOn(0, `st-${protocol}`),
				keyOn(1, `st-${protocol}`),
				keyOn(2, `st-${protocol}`),
			];
			await client.setMulti(k.map((key) => ({ key, value: b("orig") })));
			manager.updateShardStates([
				{ address: cluster.addresses[0] as string, state: ShardState.Active },
				{
					address: cluster.addresses[1] as string,
					state: ShardState.WriteOnly,
				},
				{ address: cluster.addresses[2] as string, state: ShardState.Down },
			]);
			// Single-key and multi: only ACTIVE is served; skipped reads are misses, writes succeed.
			const g1 = await client.get(k[1] as string);
			expect(g1).toMatchObject({
				status: ResponseStatus.KeyNotFound,
				error: undefined,
				skipped: true,
			});
			const s1 = await client.set({ key: k[1] as string, value: b("new") });
			expect(s1).toMatchObject({ status: 0, dataVersionId: 0n, skipped: true });
			expect(
				(
					await (direct[1] as RawBinaryClient).get(k[1] as string)
				).value?.toString(),
			).toBe("orig");
			const c1 = await client.increment(k[1] as string, 1n, 0n, 0xffffffff);
			expect(c1).toMatchObject({ status: 0, count: 0n, skipped: true });
			const gm = await client.getMulti(k);
			expect(gm.get(k[0] as string)?.value?.toString()).toBe("orig");
			expect(gm.get(k[1] as string)?.skipped).toBe(true);
			expect(gm.get(k[2] as string)?.skipped).toBe(true);
			// Sentinels: WRITE_ONLY is served, DOWN is skipped.
			const gs = await client.getSentinels(k);
			expect(gs.get(k[1] as string)?.value?.toString()).toBe("orig");
			expect(gs.get(k[2] as string)?.skipped).toBe(true);
			const ss = await client.setSentinels(
				k.map((key) => ({ key, value: b("sentinel") })),
			);
			expect(ss.map((r) => r.skipped ?? false)).toEqual([false, false, true]);
			expect(
				(
					await (direct[1] as RawBinaryClient).get(k[1] as string)
				).value?.toString(),
			).toBe("sentinel");
			expect(
				(
					await (direct[2] as RawBinaryClient).get(k[2] as string)
				).value?.toString(),
			).toBe("orig");
			// Broadcast ops reach every shard, DOWN included.
			const v = await client.version();
			expect(v.versions.size).toBe(3);
			// WARM_UP: sentinel reads served, sentinel write failures reported as success.
			manager.updateShardStates([
				{ address: cluster.addresses[0] as string, state: ShardState.Active },
				{ address: cluster.addresses[1] as string, state: ShardState.WarmUp },
				{ address: cluster.addresses[2] as string, state: ShardState.Active },
			]);
			expect(
				(await client.getSentinels([k[1] as string]))
					.get(k[1] as string)
					?.value?.toString(),
			).toBe("sentinel");
			expect((await client.get(k[1] as string)).skipped).toBe(true);
			const cas = await client.casSentinels([
				{ key: k[1] as string, value: b("x") }, // add on an existing key fails → reported as success
				{ key: k[0] as string, value: b("x") }, // ACTIVE: the failure is reported
			]);
			expect(cas[0]).toMatchObject({
				status: 0,
				error: undefined,
				skipped: true,
			});
			expect(cas[1]?.error).toBeDefined();
			expect(client.stats()[1]?.skipped).toBeGreaterThan(0);
		});

		it("a server removed from the shard list is dropped (its connections closed); a new one is used", async () => {
			const [a0, a1, a2] = cluster.addresses as [string, string, string];
			const manager = new StaticShardManager([a0, a1]);
			await using client = new ShardedClient(manager, {
				timeout: 5000,
				protocol,
				closeManager: true,
			});
			await client.setMulti(
				Array.from({ length: 20 }, (_, i) => ({
					key: `rm-${i}`,
					value: b("v"),
				})),
			);
			expect(client.stats().map((s) => s.connections > 0)).toEqual([
				true,
				true,
			]);
			manager.updateShardStates([
				{ address: a0, state: ShardState.Active },
				{ address: a2, state: ShardState.Active },
			]);
			await client.setMulti(
				Array.from({ length: 20 }, (_, i) => ({
					key: `rm2-${i}`,
					value: b("v"),
				})),
			);
			const stats = client.stats();
			expect(stats.map((s) => s.address)).toEqual([a0, a2]);
			expect(stats[1]?.connections).toBeGreaterThan(0);
			const v = await client.version();
			expect(v.versions.size).toBe(2);
		});

		it("unmapped keys and out-of-range shard ids are typed errors, not crashes", async () => {
			const manager = new StaticShardManager(cluster.addresses, (key) =>
				key.startsWith("none") ? -1 : key.startsWith("oob") ? 7 : 0,
			);
			await using client = new ShardedClient(manager, {
				timeout: 5000,
				protocol,
				closeManager: true,
			});
			expect((await client.get("none-1")).error?.code).toBe(
				"ERR_MEMCACHE_UNMAPPED_KEY",
			);
			expect(
				(await client.set({ key: "oob-1", value: b("x") })).error?.code,
			).toBe("ERR_MEMCACHE_SHARD_OUT_OF_RANGE");
			const m = await client.getMulti(["none-2", "oob-2", "fine"]);
			expect(m.get("none-2")?.error?.code).toBe("ERR_MEMCACHE_UNMAPPED_KEY");
			expect(m.get("oob-2")?.error?.code).toBe(
				"ERR_MEMCACHE_SHARD_OUT_OF_RANGE",
			);
			expect(m.get("fine")?.status).toBe(ResponseStatus.KeyNotFound);
		});
	},
);

describe("BaseShardManager.updateShardStates", () => {
	it("registers each new address once and unregisters the ones that left", () => {
		const calls: string[] = [];
		const pool: ConnectionPoolLike = {
			register: (_n, a) => calls.push(`+${a}`),
			unregister: (_n, a) => calls.push(`-${a}`),
			get: () =>
				Promise.reject(new Error("unused")) as Promise<PooledConnection>,
		};
		const m = new BaseShardManager(() => 0, { pool });
		m.updateShardStates(
			["foo:1", "bar:1", "baz:1", "foo:1"].map((address) => ({
				address,
				state: ShardState.Active,
			})),
		);
		expect(calls.sort()).toEqual(["+bar:1", "+baz:1", "+foo:1"]);
		calls.length = 0;
		m.updateShardStates(
			["bar:1", "baz:1"].map((address) => ({
				address,
				state: ShardState.WriteOnly,
			})),
		);
		expect(calls).toEqual(["-foo:1"]);
		expect(m.shardStates().map((s) => s.state)).toEqual([1, 1]);
		expect(() =>
			m.updateShardStates([{ address: "x:1", state: 3 as ShardState }]),
		).toThrow(/invalid state/);
	});
});
