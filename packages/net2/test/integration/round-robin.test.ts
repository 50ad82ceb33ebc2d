import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type ManagedConnection,
	Net2ErrorCode,
	RoundRobinConnectionPool,
} from "../../src/index.js";
import {
	deadAddress,
	startServer,
	type TestServer,
} from "../helpers/servers.js";

let servers: TestServer[];
beforeAll(async () => {
	servers = await Promise.all([0, 1, 2, 3].map(() => startServer()));
});
afterAll(async () => {
	await Promise.all(servers.map((s) => s.close()));
});

async function cycle(
	pool: RoundRobinConnectionPool,
	n: number,
): Promise<string[]> {
	const out: string[] = [];
	for (let i = 0; i < n; i++) {
		const c = await pool.getNext();
		out.push(c.address);
		c.release();
	}
	return out;
}

describe("RoundRobinConnectionPool", () => {
	it("walks one fixed cycle over the registered addresses", async () => {
		await using pool = new RoundRobinConnectionPool();
		for (const s of servers) pool.register("tcp", s.address);
		const first = await cycle(pool, 4);
		expect(new Set(first)).toEqual(new Set(servers.map((s) => s.address)));
		const next = await cycle(pool, 20);
		for (let i = 0; i < 20; i++) expect(next[i]).toBe(first[i % 4]);
	});

	it("fail-fast, one connection per address: full addresses are skipped", async () => {
		await using pool = new RoundRobinConnectionPool({
			maxActiveConnections: 1,
			waitForConnection: false,
		});
		for (const s of servers) pool.register("tcp", s.address);
		const held: ManagedConnection[] = [];
		for (let i = 0; i < 4; i++) held.push(await pool.getNext());
		expect(new Set(held.map((c) => c.address)).size).toBe(4);
		held[1]?.release();
		held[3]?.discard();
		const a = await pool.getNext();
		const b = await pool.getNext();
		expect([a.address, b.address]).toEqual([
			held[1]?.address,
			held[3]?.address,
		]);
		await expect(pool.getNext()).rejects.toMatchObject({
			code: Net2ErrorCode.NoConnectionAvailable,
			cause: expect.objectContaining({
				code: Net2ErrorCode.TooManyConnections,
			}),
		});
		for (const c of [held[0], held[2], a, b]) c?.release();
	});

	it("wait mode: prefers an address with room, then waits", async () => {
		await using pool = new RoundRobinConnectionPool({
			maxActiveConnections: 1,
		});
		pool.register("tcp", servers[0]?.address as string);
		pool.register("tcp", servers[1]?.address as string);
		const a = await pool.getNext();
		const b = await pool.getNext();
		expect(a.address).not.toBe(b.address);
		const waiting = pool.getNext();
		a.release();
		const c = await waiting;
		expect(c.socket).toBe(a.socket);
		b.release();
		c.release();
	});

	it("after unregister the remaining addresses form a new stable cycle", async () => {
		await using pool = new RoundRobinConnectionPool();
		for (const s of servers) pool.register("tcp", s.address);
		pool.unregister("tcp", servers[2]?.address as string);
		const first = await cycle(pool, 3);
		expect(new Set(first).size).toBe(3);
		expect(first).not.toContain(servers[2]?.address);
		const next = await cycle(pool, 9);
		for (let i = 0; i < 9; i++) expect(next[i]).toBe(first[i % 3]);
	});

	it("skips an address whose dial fails", async () => {
		const dead = await deadAddress();
		await using pool = new RoundRobinConnectionPool();
		pool.register("tcp", dead);
		pool.register("tcp", servers[0]?.address as string);
		for (let i = 0; i < 4; i++) {
			const c = await pool.getNext();
			expect(c.address).toBe(servers[0]?.address);
			c.release();
		}
	});

	it("counts, lame duck, empty pool, get by address", async () => {
		const pool = new RoundRobinConnectionPool();
		await expect(pool.getNext()).rejects.toMatchObject({
			code: Net2ErrorCode.NoConnectionAvailable,
		});
		pool.register("tcp", servers[0]?.address as string);
		pool.register("tcp", servers[1]?.address as string);
		const a = await pool.get("tcp", servers[0]?.address as string);
		const b = await pool.get("tcp", servers[1]?.address as string);
		expect(a.address).toBe(servers[0]?.address);
		pool.release(a);
		pool.release(b);
		expect(pool.numIdle()).toBe(2);
		const c = await pool.getNext();
		const d = await pool.getNext();
		pool.discard(c);
		pool.discard(d);
		expect(pool.numIdle()).toBe(0);
		pool.enterLameDuckMode();
		await expect(pool.getNext()).rejects.toMatchObject({
			code: Net2ErrorCode.LameDuck,
		});
		expect(() => pool.register("tcp", "127.0.0.1:9")).toThrowError(
			expect.objectContaining({ code: Net2ErrorCode.LameDuck }),
		);
		await pool.close();
		await expect(pool.getNext()).rejects.toMatchObject({
			code: Net2ErrorCode.PoolClosed,
		});
	});
});
