// The meta protocol through createClient / ShardedClient.
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	createClient,
	RawMetaClient,
	ResponseStatus,
	ShardedClient as Sharded,
	type ShardedClient,
	ShardState,
	StaticShardManager,
} from "../../src/index.js";

const ok = await requireServers("memcached");
const b = (s: string) => Buffer.from(s);

describe.skipIf(!ok)(
	"createClient({ protocol: 'meta' }) on 3 real memcached",
	() => {
		let cluster: MemcachedCluster;
		let client: ShardedClient;

		beforeAll(async () => {
			cluster = await startMemcached({ count: 3 });
			client = createClient({
				servers: cluster.addresses,
				protocol: "meta",
				timeout: 5000,
			});
		});
		afterAll(async () => {
			await client?.close();
			await cluster?.stop();
		});

		it("RawMetaClient is exported", () => {
			expect(typeof RawMetaClient).toBe("function");
		});

		it("the contract works across shards", async () => {
			const keys = Array.from({ length: 100 }, (_, i) => `sk${i}`);
			const set = await client.setMulti(
				keys.map((k) => ({ key: k, value: b(k) })),
			);
			expect(set.every((r) => r.status === 0)).toBe(true);
			const got = await client.getMulti([...keys, "missing"]);
			for (const k of keys) expect(got.get(k)?.value?.toString()).toBe(k);
			expect(got.get("missing")?.status).toBe(ResponseStatus.KeyNotFound);
			// every shard got some keys
			for (const s of client.stats()) expect(s.requests).toBeGreaterThan(0);
			expect((await client.increment("ctr", 2n, 5n, 0)).count).toBe(5n);
			expect((await client.increment("ctr", 2n, 5n, 0)).count).toBe(7n);
			expect((await client.delete("sk1")).status).toBe(0);
			expect((await client.version()).versions.size).toBe(3);
		});

		it("meta methods are routed to the key's shard: leases and stale-while-revalidate", async () => {
			const w = await client.metaGet("hot", { vivify: 30 });
			expect(w.win).toBe(true);
			expect((await client.metaGet("hot", { vivify: 30 })).otherWinner).toBe(
				true,
			);
			expect((await client.metaSet({ key: "hot", value: b("v") })).status).toBe(
				0,
			);
			expect(
				(await client.metaDelete("hot", { invalidate: true })).status,
			).toBe(0);
			const s = await client.metaGet("hot");
			expect(s).toMatchObject({ stale: true, win: true });
			expect(s.value?.toString()).toBe("v");
			// the same shard serves the contract get
			expect((await client.get("hot")).value?.toString()).toBe("v");
			await expect(
				client.metaGet(b("x") as unknown as string),
			).rejects.toMatchObject({
				code: "ERR_MEMCACHE_INVALID_ARGUMENT",
			});
		});

		it("a binary sharded client refuses meta methods; a DOWN shard is skipped", async () => {
			const bin = createClient({
				servers: cluster.addresses,
				protocol: "binary",
			});
			try {
				const r = await bin.metaGet("k");
				expect(r.error?.code).toBe("ERR_MEMCACHE_NOT_SUPPORTED");
			} finally {
				await bin.close();
			}
			const manager = new StaticShardManager([cluster.addresses[0] as string]);
			manager.updateShardStates([
				{ address: cluster.addresses[0] as string, state: ShardState.Down },
			]);
			const down = new Sharded(manager, { protocol: "meta" });
			try {
				const r = await down.metaGet("k", { vivify: 30 });
				expect(r).toMatchObject({
					status: ResponseStatus.KeyNotFound,
					skipped: true,
					win: false,
				});
				const m = await down.metaSet({ key: "k", value: b("v") });
				expect(m).toMatchObject({ status: 0, skipped: true });
			} finally {
				await down.close();
				await manager.close();
			}
		});

		it("rejects unknown protocols", () => {
			expect(() =>
				createClient({
					servers: cluster.addresses,
					protocol: "udp" as unknown as "meta",
				}),
			).toThrow(/"binary", "ascii" or "meta"/);
		});
	},
);
