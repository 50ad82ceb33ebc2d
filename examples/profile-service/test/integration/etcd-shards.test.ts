// With ETCD_ENDPOINTS the viewer's shard state flips go through etcd: the stack publishes its
// servers as the shard map, POST /api/shards writes the map (compare-and-swap), and a change
// written by someone else (an operator's CLI) shows in GET /api/shards. Real etcd ×3, real
// memcached ×3, SQLite.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readShardMap, writeShardMap } from "@godropbox-ts/memcache/etcd";
import {
	type EtcdCluster,
	type MemcachedCluster,
	requireEtcd,
	requireServers,
	startEtcdCluster,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { Etcd3 } from "etcd3";
import type { Knex } from "knex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../src/app.js";
import {
	databaseTarget,
	ensureSchema,
	openDatabase,
} from "../../src/database.js";
import { parseOptions } from "../../src/options.js";
import { seedProfiles } from "../../src/profiles-table.js";
import { createStack } from "../../src/stack.js";
import type { ShardView, Stack } from "../../src/stack-types.js";

const ok = requireEtcd() && (await requireServers("memcached"));
const KEY = "/test/profile-service/shard-map";

describe.skipIf(!ok)("profile-service with ETCD_ENDPOINTS", () => {
	let etcdCluster: EtcdCluster;
	let memcached: MemcachedCluster;
	let admin: Etcd3;
	let knex: Knex;
	let dataDir: string;
	let stack: Stack;
	let service: RunningService;

	beforeAll(async () => {
		[etcdCluster, memcached] = await Promise.all([
			startEtcdCluster({ members: 3 }),
			startMemcached({ count: 3, memoryMb: 16 }),
		]);
		admin = new Etcd3({ hosts: [...etcdCluster.endpoints] });
		dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "profile-service-etcd-"));
		const target = databaseTarget(undefined, dataDir);
		knex = openDatabase(target);
		await ensureSchema(knex);
		await seedProfiles(knex, 200);
		// The environment variable as `run` reads it.
		const options = parseOptions([], {
			ETCD_ENDPOINTS: etcdCluster.endpoints.join(","),
		});
		stack = await createStack({
			knex,
			database: target,
			memcacheServers: memcached.addresses,
			etcdEndpoints: options.etcdEndpoints,
			etcdKey: KEY,
		});
		service = await startService({ stack, viewer: true, backgroundRate: 0 });
	}, 120_000);
	afterAll(async () => {
		await service?.close();
		await stack?.close();
		await knex?.destroy();
		admin?.close();
		if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
		await Promise.all([etcdCluster?.stop(), memcached?.stop()]);
	}, 60_000);

	const shards = async (): Promise<ShardView[]> =>
		(
			(await (await fetch(`${service.url}/api/shards`)).json()) as {
				shards: ShardView[];
			}
		).shards;
	const post = (address: string, state: string) =>
		fetch(`${service.url}/api/shards`, {
			method: "POST",
			body: JSON.stringify({ address, state }),
			headers: { "content-type": "application/json" },
		});

	it("publishes its servers as the map and serves through it", async () => {
		const r = await readShardMap(admin, KEY);
		expect(r.map?.version).toBe(1);
		expect(r.map?.shards).toEqual(
			memcached.addresses.map((address) => ({ address, state: "Active" })),
		);
		expect(stack.cacheDescription).toContain(
			`shard states from etcd key ${KEY}`,
		);
		expect((await stack.store.get(7))?.id).toBe(7);
		expect((await shards()).map((s) => s.state)).toEqual([
			"Active",
			"Active",
			"Active",
		]);
	});

	it("POST /api/shards writes the etcd map; an outside write shows in GET /api/shards", async () => {
		const a1 = memcached.addresses[1] as string;
		const res = await post(a1, "Down");
		expect(res.status).toBeLessThan(300);
		const after = await readShardMap(admin, KEY);
		expect(after.map?.version).toBe(2);
		expect(after.map?.shards[1]).toEqual({ address: a1, state: "Down" });
		expect((await shards())[1]?.state).toBe("Down");

		// An operator moves shard 1 to WarmUp with a CAS write; the service follows.
		await writeShardMap(admin, KEY, (cur) =>
			(cur?.shards ?? []).map((s, i) =>
				i === 1 ? { ...s, state: "WarmUp" } : s,
			),
		);
		const deadline = Date.now() + 20_000;
		while ((await shards())[1]?.state !== "WarmUp" && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 20));
		expect((await shards())[1]?.state).toBe("WarmUp");

		// Back to Active through the viewer (which flushes the shard first, as without etcd).
		expect((await post(a1, "Active")).status).toBeLessThan(300);
		expect((await readShardMap(admin, KEY)).map?.shards[1]?.state).toBe(
			"Active",
		);
		expect((await readShardMap(admin, KEY)).map?.version).toBe(4);
		expect((await stack.store.get(8))?.id).toBe(8);
	});

	it("a second instance with the same servers keeps the map (and its states)", async () => {
		await writeShardMap(admin, KEY, (cur) =>
			(cur?.shards ?? []).map((s, i) =>
				i === 2 ? { ...s, state: "WriteOnly" } : s,
			),
		);
		const before = await readShardMap(admin, KEY);
		const second = await createStack({
			knex,
			database: databaseTarget(undefined, dataDir),
			memcacheServers: memcached.addresses,
			etcdEndpoints: etcdCluster.endpoints,
			etcdKey: KEY,
		});
		try {
			expect((await readShardMap(admin, KEY)).map?.version).toBe(
				before.map?.version,
			);
			expect(second.shards().map((s) => s.state)).toEqual([
				"Active",
				"Active",
				"WriteOnly",
			]);
		} finally {
			await second.close();
		}
	});
});
