import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { Cluster, Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
	canConnect,
	requireRedisCluster,
	startRedisCluster,
} from "../src/index.js";

const ok = requireRedisCluster();

describe("requireRedisCluster", () => {
	afterEach(() => {
		vi.unstubAllEnvs();
		vi.restoreAllMocks();
	});

	it("without redis-server: fails under CI=true, else warns once naming apt-get install redis-server", async () => {
		vi.stubEnv("REDIS_SERVER_BIN", "/nonexistent/redis-server");
		vi.stubEnv("CI", "true");
		expect(() => requireRedisCluster()).toThrow(
			/CI=true.*redis-server is missing/,
		);
		await expect(startRedisCluster()).rejects.toThrow(/not installed/);
		vi.stubEnv("CI", "");
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		expect(requireRedisCluster()).toBe(false);
		expect(requireRedisCluster()).toBe(false);
		expect(warn).toHaveBeenCalledTimes(1);
		expect(String(warn.mock.calls[0]?.[0])).toContain(
			"apt-get install -y redis-server",
		);
	});
});

async function clusterDirs(): Promise<string[]> {
	return (await readdir(tmpdir())).filter((d) =>
		d.startsWith("godropbox-redis-cluster-"),
	);
}

describe.skipIf(!ok)("startRedisCluster", () => {
	it("starts 3 masters owning all 16384 slots, serves a Cluster client, and cleans up", async () => {
		const before = await clusterDirs();
		const c = await startRedisCluster({ masters: 3 });
		let client: Cluster | undefined;
		try {
			expect(c.nodes).toHaveLength(3);
			expect(c.nodes.every((n) => n.role === "master")).toBe(true);
			expect(new Set(c.nodes.map((n) => n.port)).size).toBe(3);
			expect(c.nodes.every((n) => n.port !== 6379)).toBe(true);
			const direct = new Redis({ host: "127.0.0.1", port: c.nodes[0]?.port });
			try {
				const slots = (await direct.call("CLUSTER", "SLOTS")) as [
					number,
					number,
					[string, number, string],
				][];
				const covered = slots.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
				expect(covered).toBe(16384);
				expect(new Set(slots.map((s) => s[2][1])).size).toBe(3);
			} finally {
				direct.disconnect();
			}
			client = new Cluster(c.nodes.map(({ host, port }) => ({ host, port })));
			// Keys with different hash slots land on different masters.
			for (let i = 0; i < 30; i++) await client.set(`k${i}`, String(i));
			expect(await client.get("k17")).toBe("17");
			const counts = await Promise.all(
				client.nodes("master").map((n) => n.dbsize()),
			);
			expect(counts).toHaveLength(3);
			expect(counts.every((n) => n > 0)).toBe(true);
			expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
		} finally {
			client?.disconnect();
			await c.stop();
		}
		for (const n of c.nodes)
			expect(await canConnect(n.host, n.port, 300)).toBe(false);
		expect(await clusterDirs()).toEqual(before);
		await c.stop();
	}, 60_000);

	it("with replicas: 1 each master has a synced replica; killNode stops one process", async () => {
		const c = await startRedisCluster({ masters: 3, replicas: 1 });
		try {
			expect(c.nodes.map((n) => n.role)).toEqual([
				"master",
				"master",
				"master",
				"replica",
				"replica",
				"replica",
			]);
			for (const r of c.nodes.slice(3)) {
				const direct = new Redis({ host: r.host, port: r.port });
				try {
					const info = await direct.info("replication");
					const master = c.nodes[r.masterIndex ?? -1];
					expect(info).toContain("role:slave");
					expect(info).toContain(`master_port:${master?.port}`);
				} finally {
					direct.disconnect();
				}
			}
			const victim = c.nodes[4];
			await c.killNode(4);
			expect(await canConnect("127.0.0.1", victim?.port ?? 0, 300)).toBe(false);
			expect(await canConnect("127.0.0.1", c.nodes[0]?.port ?? 0, 1000)).toBe(
				true,
			);
			await expect(c.killNode(9)).rejects.toThrow(RangeError);
		} finally {
			await c.stop();
		}
	}, 60_000);
});
