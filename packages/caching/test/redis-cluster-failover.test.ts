import {
	type RedisClusterHandle,
	requireRedisCluster,
	startRedisCluster,
} from "@godropbox-ts/test-utils";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStorage } from "../src/index.js";
import { redisKeySlot } from "../src/internal/redis-key-slot.js";
import { type Item, item, keyOf } from "./helpers/items.js";

const ok = requireRedisCluster();

describe.skipIf(!ok)(
	"RedisStorage across a Redis Cluster failover (3 masters + 3 replicas)",
	() => {
		let rc: RedisClusterHandle;
		let storage: RedisStorage<string, Item> | undefined;
		const opened: Redis[] = [];

		beforeAll(async () => {
			rc = await startRedisCluster({
				masters: 3,
				replicas: 1,
				nodeTimeoutMs: 2000,
			});
		}, 60_000);
		afterAll(async () => {
			await storage?.close();
			for (const c of opened) c.disconnect();
			await rc?.stop();
		});

		const direct = (port: number): Redis => {
			const r = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
			r.on("error", () => {});
			opened.push(r);
			return r;
		};

		it("after a master is killed, its replica is promoted and reads (then writes) recover", async () => {
			const startup = rc.nodes.map(({ host, port }) => ({ host, port }));
			storage = await RedisStorage.connectCluster<string, Item>(startup, {
				keyOf,
				prefix: "fo:",
			});
			const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
			const items = keys.map((k, i) => item(k, i));
			await storage.setMulti(items);
			// Every master has its writes acknowledged by its replica before the kill.
			for (const m of rc.nodes.filter((n) => n.role === "master"))
				expect(await direct(m.port).call("WAIT", "1", "5000")).toBe(1);

			const victim = rc.nodes[0];
			const heir = rc.nodes.find((n) => n.masterIndex === 0);
			if (victim === undefined || heir === undefined)
				throw new Error("bad topology");
			const ranges = (await direct(victim.port).call("CLUSTER", "SLOTS")) as [
				number,
				number,
				[string, number],
			][];
			const onVictim = keys.filter((k) => {
				const slot = redisKeySlot(`fo:${k}`);
				return ranges.some(
					([lo, hi, [, port]]) =>
						port === victim.port && slot >= lo && slot <= hi,
				);
			});
			expect(onVictim.length).toBeGreaterThan(5);

			await rc.killNode(0);
			const t0 = Date.now();
			let got: (Item | undefined)[] | undefined;
			const errors = new Set<string>();
			// Bounded: 120 attempts, at most ~60 s (node timeout 2 s + election + slot refresh).
			for (
				let attempt = 0;
				attempt < 120 && Date.now() - t0 < 60_000;
				attempt++
			) {
				try {
					got = await storage.getMulti(keys);
					break;
				} catch (err) {
					errors.add((err as Error).message.slice(0, 120));
					await new Promise((r) => setTimeout(r, 500));
				}
			}
			const recoveredMs = Date.now() - t0;
			console.info(
				`cluster failover: reads recovered ${recoveredMs} ms after the kill; errors seen meanwhile: ${[...errors].join(" | ") || "none"}`,
			);
			expect(got).toEqual(items);

			const nodes = (await direct(rc.nodes[1]?.port ?? 0).call(
				"CLUSTER",
				"NODES",
			)) as string;
			const heirLine = nodes.split("\n").find((l) => l.startsWith(heir.id));
			expect(heirLine).toMatch(/\bmaster\b/);
			const victimLine = nodes.split("\n").find((l) => l.startsWith(victim.id));
			expect(victimLine).toMatch(/\bfail\b/);

			// Writes to the promoted replica's slots work too, and flush still reaches every master.
			const moved = onVictim.map((k, i) => item(k, 1000 + i));
			await storage.setMulti(moved);
			expect(await storage.getMulti(onVictim)).toEqual(moved);
			await storage.flush();
			expect((await storage.getMulti(keys)).every((v) => v === undefined)).toBe(
				true,
			);
		}, 120_000);
	},
);
