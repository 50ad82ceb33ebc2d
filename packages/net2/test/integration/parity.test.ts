// The scenarios of godropbox's net2/connection_pool_test.go and resource_pool/*_test.go, on
// real loopback sockets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type ManagedConnection,
	MultiConnectionPool,
	Net2ErrorCode,
} from "../../src/index.js";
import { startServer, type TestServer, waitUntil } from "../helpers/servers.js";

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.close();
});

async function getMany(
	pool: MultiConnectionPool,
	n: number,
): Promise<ManagedConnection[]> {
	const out: ManagedConnection[] = [];
	for (let i = 0; i < n; i++) out.push(await pool.get("tcp", server.address));
	return out;
}

describe("godropbox parity", () => {
	it("recycles FIFO and never hands out a discarded connection", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		const [c1, c2, c3, c4] = (await getMany(pool, 4)) as [
			ManagedConnection,
			ManagedConnection,
			ManagedConnection,
			ManagedConnection,
		];
		expect(pool.numActive()).toBe(4);
		expect(pool.activeHighWaterMark()).toBe(4);
		c4.release();
		c2.release();
		c1.discard();
		c3.release();
		expect(pool.numActive()).toBe(0);
		expect(pool.numIdle()).toBe(3);
		expect(pool.activeHighWaterMark()).toBe(4);
		expect(c1.socket.destroyed).toBe(true);
		const next = await getMany(pool, 3);
		expect(next.map((c) => c.socket)).toEqual([
			c4.socket,
			c2.socket,
			c3.socket,
		]);
		const fresh = await pool.get("tcp", server.address);
		expect(fresh.reused).toBe(false);
		expect(pool.stats().dials).toBe(5);
		for (const c of [...next, fresh]) c.release();
	});

	it("double release / release+discard / double discard change counts once", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		const [a, b, c] = (await getMany(pool, 3)) as [
			ManagedConnection,
			ManagedConnection,
			ManagedConnection,
		];
		a.release();
		a.release();
		b.release();
		b.discard();
		c.discard();
		c.discard();
		pool.release(c);
		expect(pool.numActive()).toBe(0);
		expect(pool.numIdle()).toBe(2);
		expect(pool.stats().discards).toBe(1);
	});

	it("fail-fast mode: the fifth get fails at once with maxActiveConnections 4", async () => {
		await using pool = new MultiConnectionPool({
			maxActiveConnections: 4,
			waitForConnection: false,
		});
		pool.register("tcp", server.address);
		const conns = await getMany(pool, 4);
		const started = Date.now();
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.TooManyConnections,
			limit: 4,
		});
		expect(Date.now() - started).toBeLessThan(500);
		expect(pool.numActive()).toBe(4);
		for (const c of conns) c.release();
		expect(pool.numActive()).toBe(0);
		(await pool.get("tcp", server.address)).release();
	});

	it("wait mode: borrowers queue at the limit and all finish", async () => {
		await using pool = new MultiConnectionPool({ maxActiveConnections: 2 });
		pool.register("tcp", server.address);
		let maxSeen = 0;
		await Promise.all(
			Array.from({ length: 10 }, async () => {
				for (let i = 0; i < 20; i++) {
					const c = await pool.get("tcp", server.address);
					maxSeen = Math.max(maxSeen, pool.numActive());
					await new Promise((r) => setImmediate(r));
					c.release();
				}
			}),
		);
		expect(maxSeen).toBe(2);
		expect(pool.stats()).toMatchObject({ active: 0, pending: 0, dials: 2 });
	});

	it("keeps at most maxIdleConnections idle", async () => {
		await using pool = new MultiConnectionPool({ maxIdleConnections: 2 });
		pool.register("tcp", server.address);
		const conns = await getMany(pool, 4);
		for (const c of conns) c.release();
		expect(pool.numIdle()).toBe(2);
		expect(conns.filter((c) => c.socket.destroyed)).toHaveLength(2);
	});

	it("maxIdleConnections 0 closes every released connection", async () => {
		await using pool = new MultiConnectionPool({ maxIdleConnections: 0 });
		pool.register("tcp", server.address);
		const c = await pool.get("tcp", server.address);
		c.release();
		expect(pool.numIdle()).toBe(0);
		expect(c.socket.destroyed).toBe(true);
	});

	it("reaps idle connections on a timer by the injected clock", async () => {
		let now = 0;
		await using pool = new MultiConnectionPool({
			maxIdleTime: 1000,
			idleCheckInterval: 5,
			now: () => now,
		});
		pool.register("tcp", server.address);
		const conns = await getMany(pool, 4);
		for (const [i, c] of conns.entries()) {
			now = i * 250;
			c.release();
		}
		expect(pool.numIdle()).toBe(4);
		now = 999;
		await new Promise((r) => setTimeout(r, 30));
		expect(pool.numIdle()).toBe(4);
		now = 1000;
		await waitUntil(() => pool.numIdle() === 3);
		expect(conns[0]?.socket.destroyed).toBe(true);
		// As godropbox's test: a get+release at t=1000 re-idles the oldest one (released at 250).
		const again = await pool.get("tcp", server.address);
		expect(again.socket).toBe(conns[1]?.socket);
		again.release();
		expect(pool.numIdle()).toBe(3);
		now = 1750;
		await waitUntil(() => pool.numIdle() === 1);
		now = 10_000;
		await waitUntil(() => pool.numIdle() === 0);
		expect(conns.every((c) => c.socket.destroyed)).toBe(true);
		const fresh = await pool.get("tcp", server.address);
		expect(fresh.reused).toBe(false);
		fresh.release();
	});

	it("lame duck: idle dropped, releases close, get and register fail", async () => {
		const pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		const [a, b] = (await getMany(pool, 2)) as [
			ManagedConnection,
			ManagedConnection,
		];
		a.release();
		expect(pool.numIdle()).toBe(1);
		pool.enterLameDuckMode();
		expect(pool.numIdle()).toBe(0);
		expect(a.socket.destroyed).toBe(true);
		expect(b.isClosed).toBe(false);
		b.release();
		expect(pool.numIdle()).toBe(0);
		expect(b.socket.destroyed).toBe(true);
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.LameDuck,
		});
		expect(pool.numActive()).toBe(0);
		expect(() => pool.register("tcp", "127.0.0.1:1")).toThrowError(
			expect.objectContaining({ code: Net2ErrorCode.LameDuck }),
		);
		await pool.close();
	});
});
