import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type EtcdCluster,
	requireEtcd,
	startEtcdCluster,
} from "../src/index.js";

const ok = requireEtcd();

describe.skipIf(!ok)("startEtcdCluster (real etcd)", () => {
	let cluster: EtcdCluster;
	beforeAll(async () => {
		cluster = await startEtcdCluster({ members: 3 });
	}, 60_000);
	afterAll(async () => {
		await cluster?.stop();
	}, 30_000);

	it("starts three members on distinct loopback ports with one leader", async () => {
		expect(cluster.members).toHaveLength(3);
		expect(new Set(cluster.endpoints).size).toBe(3);
		for (const e of cluster.endpoints)
			expect(e).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		const leader = await cluster.leader();
		const statuses = await Promise.all(cluster.members.map((m) => m.status()));
		const leaderId = (await leader.status())?.memberId;
		expect(leaderId).toBeDefined();
		expect(new Set(statuses.map((s) => s?.memberId)).size).toBe(3);
		for (const s of statuses) expect(s?.leaderId).toBe(leaderId);
		expect(cluster.members).toContain(leader);
	});

	it("elects a new leader when the leader stops, and the old one rejoins", async () => {
		const old = await cluster.leader();
		await old.stop();
		expect(old.running).toBe(false);
		const next = await cluster.leader(30_000);
		expect(next).not.toBe(old);
		await old.start();
		await cluster.waitHealthy(30_000);
		// Every running member (the old leader included) agrees on one leader again.
		const leaderId = (await (await cluster.leader()).status())?.memberId;
		const statuses = await Promise.all(cluster.members.map((m) => m.status()));
		for (const s of statuses) expect(s?.leaderId).toBe(leaderId);
	}, 90_000);

	it("stop() removes the data dirs and leaves no process", async () => {
		const { existsSync } = await import("node:fs");
		const c = await startEtcdCluster({ members: 1 });
		expect(existsSync(c.dataRoot)).toBe(true);
		await c.stop();
		expect(c.members.every((m) => !m.running)).toBe(true);
		expect(existsSync(c.dataRoot)).toBe(false);
		await c.stop();
	}, 60_000);
});
