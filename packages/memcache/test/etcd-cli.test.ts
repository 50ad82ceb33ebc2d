// The godropbox-ts-shards CLI (run from source in child processes) against a real 3-member etcd
// cluster: show/init/move/set, exit codes, compare-and-swap between concurrent operators, and
// the README's operator workflow (Down -> WarmUp -> Active) driving a ShardedClient over real
// memcached servers.
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	type EtcdCluster,
	type MemcachedCluster,
	requireEtcd,
	requireServers,
	startEtcdCluster,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { Etcd3 } from "etcd3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShardsCliExit } from "../src/etcd/cli.js";
import { EtcdShardManager, readShardMap } from "../src/etcd/index.js";
import { ShardedClient, ShardState } from "../src/index.js";
import { runCli, waitFor } from "./etcd-helpers/run.js";

const ok = requireEtcd() && (await requireServers("memcached"));

describe.skipIf(!ok)(
	"godropbox-ts-shards on a real 3-member etcd cluster",
	() => {
		let cluster: EtcdCluster;
		let admin: Etcd3;
		let memcached: MemcachedCluster;
		beforeAll(async () => {
			[cluster, memcached] = await Promise.all([
				startEtcdCluster({ members: 3 }),
				startMemcached({ count: 3 }),
			]);
			admin = new Etcd3({ hosts: [...cluster.endpoints] });
		}, 90_000);
		afterAll(async () => {
			admin?.close();
			await Promise.all([cluster?.stop(), memcached?.stop()]);
		}, 60_000);

		const cli = (key: string, ...args: string[]) =>
			runCli([
				"--endpoints",
				cluster.endpoints.join(","),
				"--key",
				key,
				...args,
			]);

		it("init, show, move, set and their exit codes", async () => {
			const key = "/cli/basic";
			const missing = await cli(key, "show");
			expect(missing.code).toBe(ShardsCliExit.Invalid);
			expect(missing.stderr).toContain("godropbox-ts-shards init");

			const init = await cli(
				key,
				"init",
				"--shards",
				"127.0.0.1:1,127.0.0.1:2",
			);
			expect(init.code).toBe(ShardsCliExit.Ok);
			expect(init.stdout).toMatch(/version 1 {2}revision \d+/);
			const again = await cli(key, "init", "--shards", "127.0.0.1:9");
			expect(again.code).toBe(ShardsCliExit.Conflict);

			const moved = await cli(key, "move", "1", "WriteOnly");
			expect(moved.stdout).toBe(
				"version 1 -> 2: shard 1 (127.0.0.1:2): Active -> WriteOnly\n",
			);
			const shown = await cli(key, "show", "--json");
			expect(shown.code).toBe(0);
			const json = JSON.parse(shown.stdout) as {
				version: number;
				shards: unknown;
			};
			expect(json.version).toBe(2);
			expect(json.shards).toEqual([
				{ address: "127.0.0.1:1", state: "Active" },
				{ address: "127.0.0.1:2", state: "WriteOnly" },
			]);

			expect((await cli(key, "move", "7", "Down")).code).toBe(
				ShardsCliExit.Usage,
			);
			expect((await cli(key, "move", "0", "Sleeping")).code).toBe(
				ShardsCliExit.Usage,
			);
			expect((await cli(key, "frobnicate")).code).toBe(ShardsCliExit.Usage);
			expect((await runCli(["show"])).code).toBe(ShardsCliExit.Usage); // no endpoints
			expect(
				(await cli(key, "move", "0", "Down", "--expect-version", "1")).code,
			).toBe(ShardsCliExit.Conflict);

			// set: replace the list from a file; the stored version still only goes up.
			const file = join(tmpdir(), `shards-${process.pid}.json`);
			await writeFile(
				file,
				JSON.stringify({
					version: 1,
					shards: [
						{ address: "127.0.0.1:3", state: "WarmUp" },
						{ address: "127.0.0.1:1", state: "Active" },
					],
				}),
			);
			const set = await cli(key, "set", file);
			expect(set.code).toBe(0);
			expect((await readShardMap(admin, key)).map?.version).toBe(3);
			await writeFile(
				file,
				'{"version":1,"shards":[{"address":"x","state":"Active"}]}',
			);
			expect((await cli(key, "set", file)).code).toBe(ShardsCliExit.Invalid);

			// A malformed stored map: move refuses (4), set --force replaces it.
			await admin.put(key).value("{oops").exec();
			expect((await cli(key, "move", "0", "Down")).code).toBe(
				ShardsCliExit.Invalid,
			);
			await writeFile(
				file,
				JSON.stringify({
					version: 10,
					shards: [{ address: "127.0.0.1:1", state: "Active" }],
				}),
			);
			expect((await cli(key, "set", "--force", file)).code).toBe(0);
			expect((await readShardMap(admin, key)).map?.version).toBe(10);

			// Nothing listening: unavailable (5).
			const down = await runCli([
				"--endpoints",
				"http://127.0.0.1:1",
				"--timeout",
				"1000",
				"show",
			]);
			expect(down.code).toBe(ShardsCliExit.Unavailable);
		}, 180_000);

		it("two concurrent operators on the same version: exactly one wins", async () => {
			const key = "/cli/race";
			expect(
				(await cli(key, "init", "--shards", "127.0.0.1:1,127.0.0.1:2")).code,
			).toBe(0);
			for (let round = 0; round < 3; round++) {
				const v = (await readShardMap(admin, key)).map?.version as number;
				const [a, b] = await Promise.all([
					cli(key, "move", "0", "Down", "--expect-version", String(v)),
					cli(key, "move", "1", "WarmUp", "--expect-version", String(v)),
				]);
				const codes = [a.code, b.code].sort();
				expect(codes).toEqual([ShardsCliExit.Ok, ShardsCliExit.Conflict]);
				const after = (await readShardMap(admin, key)).map;
				expect(after?.version).toBe(v + 1);
				const aWon = a.code === 0;
				expect(after?.shards.map((s) => s.state)).toEqual(
					aWon ? ["Down", "Active"] : ["Active", "WarmUp"],
				);
				// Reset for the next round.
				expect((await cli(key, "move", aWon ? "0" : "1", "Active")).code).toBe(
					0,
				);
			}
		}, 180_000);

		it("concurrent read-modify-writes without --expect-version never lose an update", async () => {
			const key = "/cli/no-lost-update";
			expect(
				(
					await cli(
						key,
						"init",
						"--shards",
						"127.0.0.1:1,127.0.0.1:2,127.0.0.1:3,127.0.0.1:4",
					)
				).code,
			).toBe(0);
			const results = await Promise.all(
				[0, 1, 2, 3].map((i) => cli(key, "move", String(i), "WriteOnly")),
			);
			for (const r of results)
				expect([0, ShardsCliExit.Conflict]).toContain(r.code);
			const won = results
				.map((r, i) => (r.code === 0 ? i : -1))
				.filter((i) => i >= 0);
			expect(won.length).toBeGreaterThanOrEqual(1);
			const after = (await readShardMap(admin, key)).map;
			// Every success incremented the version once and its change is still there.
			expect(after?.version).toBe(1 + won.length);
			expect(after?.shards.map((s) => s.state)).toEqual(
				[0, 1, 2, 3].map((i) => (won.includes(i) ? "WriteOnly" : "Active")),
			);
		}, 120_000);

		it("operator workflow on real memcached: Down -> WarmUp -> Active through the CLI", async () => {
			const key = "/cli/workflow";
			expect(
				(await cli(key, "init", "--shards", memcached.addresses.join(",")))
					.code,
			).toBe(0);
			const manager = await EtcdShardManager.create({
				endpoints: cluster.endpoints,
				key,
			});
			await using client = new ShardedClient(manager, {
				protocol: "binary",
				closeManager: true,
			});
			const keys = Array.from({ length: 60 }, (_, i) => `wf:${i}`);
			const onShard1 = keys.filter((k) => manager.getShard(k).shardId === 1);
			expect(onShard1.length).toBeGreaterThan(0);
			const k = onShard1[0] as string;
			const addr1 = memcached.addresses[1] as string;

			expect(
				(await client.set({ key: k, value: Buffer.from("v1") })).error,
			).toBeUndefined();
			const moveTo = async (state: string, version: number) => {
				const r = await cli(key, "move", addr1, state);
				expect(r.stderr).toBe("");
				expect(r.code).toBe(0);
				await waitFor(
					`v${version}`,
					() => manager.stats.mapVersion === version,
					20_000,
				);
			};

			await moveTo("Down", 2);
			expect(manager.getShard(k).serve).toBe(false);
			expect((await client.get(k)).skipped).toBe(true);

			// WarmUp: reads still skip the shard, sentinel writes reach it.
			await moveTo("WarmUp", 3);
			expect(manager.shardStates()[1]?.state).toBe(ShardState.WarmUp);
			expect((await client.get(k)).skipped).toBe(true);
			const mapping = manager.getShardsForSentinelsFromKeys([k]).get(1);
			expect(mapping?.serve).toBe(true);
			expect(mapping?.warmingUp).toBe(true);
			const [warm] = await client.setSentinels([
				{ key: k, value: Buffer.from("v2") },
			]);
			expect(warm?.error).toBeUndefined();
			expect(warm?.skipped).toBeFalsy();

			await moveTo("Active", 4);
			const got = await client.get(k);
			expect(got.skipped).toBeFalsy();
			expect(got.value?.toString()).toBe("v2");
		}, 120_000);
	},
);
