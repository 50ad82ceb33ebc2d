import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	MultiConnectionPool,
	Net2ErrorCode,
	PoolClosedError,
} from "../../src/index.js";
import { startServer, type TestServer, waitUntil } from "../helpers/servers.js";

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.close();
});

/** Counts of the handle kinds a pool could leave behind. */
function handles(): { tcp: number; timers: number } {
	const info = process.getActiveResourcesInfo();
	return {
		tcp: info.filter((x) => x === "TCPSocketWrap" || x === "TCPWRAP").length,
		timers: info.filter((x) => x === "Timeout").length,
	};
}

describe("close, destroy, dispose", () => {
	it("close() drains: waits for loans, serves waiters, then leaves no handles", async () => {
		const before = handles();
		const pool = new MultiConnectionPool({
			maxActiveConnections: 1,
			idleCheckInterval: 10,
		});
		pool.register("tcp", server.address);
		const held = await pool.get("tcp", server.address);
		const waiting = pool.get("tcp", server.address);
		let closed = false;
		const closing = pool.close().then(() => {
			closed = true;
		});
		expect(pool.close()).toBe(pool.close());
		await expect(pool.get("tcp", server.address)).rejects.toBeInstanceOf(
			PoolClosedError,
		);
		await new Promise((r) => setTimeout(r, 20));
		expect(closed).toBe(false);
		held.release();
		const served = await waiting;
		expect(served.socket).toBe(held.socket);
		expect(closed).toBe(false);
		served.release();
		await closing;
		expect(served.socket.destroyed).toBe(true);
		expect(pool.stats()).toMatchObject({ active: 0, idle: 0, pending: 0 });
		await waitUntil(() => handles().tcp <= before.tcp);
		expect(handles().timers).toBeLessThanOrEqual(before.timers);
	});

	it("destroy(err) fails waiters and destroys loans now; idempotent", async () => {
		const pool = new MultiConnectionPool({ maxActiveConnections: 1 });
		pool.register("tcp", server.address);
		const held = await pool.get("tcp", server.address);
		const waiting = pool.get("tcp", server.address);
		const cause = new Error("shutting down");
		const d1 = pool.destroy(cause);
		const d2 = pool.destroy();
		await expect(waiting).rejects.toMatchObject({
			code: Net2ErrorCode.PoolClosed,
			cause,
		});
		await Promise.all([d1, d2]);
		expect(held.isClosed).toBe(true);
		expect(held.socket.destroyed).toBe(true);
		held.release();
		expect(pool.numActive()).toBe(0);
		await pool.close();
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.PoolClosed,
		});
	});

	it("await using closes the pool", async () => {
		let socketDestroyed = false;
		let outer: MultiConnectionPool | undefined;
		{
			await using pool = new MultiConnectionPool();
			outer = pool;
			pool.register("tcp", server.address);
			const c = await pool.get("tcp", server.address);
			c.release();
			c.socket.once("close", () => {
				socketDestroyed = true;
			});
		}
		await waitUntil(() => socketDestroyed);
		await expect(outer.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.PoolClosed,
		});
	});

	it("unregister while on loan: the loan keeps working, is closed on return", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		const c = await pool.get("tcp", server.address);
		const idle = await pool.get("tcp", server.address);
		idle.release();
		pool.unregister("tcp", server.address);
		pool.unregister("tcp", server.address);
		expect(pool.listRegistered()).toEqual([]);
		expect(idle.socket.destroyed).toBe(true);
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.NotRegistered,
		});
		await c.write("still here");
		expect(String(await c.read({ timeout: 2_000 }))).toBe("still here");
		expect(pool.numActive()).toBe(1);
		expect(pool.stats().addresses[0]?.lameDuck).toBe(true);
		c.release();
		expect(c.socket.destroyed).toBe(true);
		expect(pool.numActive()).toBe(0);
		pool.register("tcp", server.address);
		const fresh = await pool.get("tcp", server.address);
		expect(fresh.reused).toBe(false);
		fresh.release();
	});

	it("release/discard through the wrong pool throws ERR_NET2_FOREIGN_CONNECTION", async () => {
		await using a = new MultiConnectionPool();
		await using b = new MultiConnectionPool();
		a.register("tcp", server.address);
		const c = await a.get("tcp", server.address);
		expect(() => b.release(c)).toThrowError(
			expect.objectContaining({ code: Net2ErrorCode.ForeignConnection }),
		);
		expect(() => b.discard(c)).toThrowError(
			expect.objectContaining({ code: Net2ErrorCode.ForeignConnection }),
		);
		a.release(c);
		expect(a.numIdle()).toBe(1);
	});
});

describe("idle sockets", () => {
	it("a socket the server closed while idle is never handed out", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		const a = await pool.get("tcp", server.address);
		const b = await pool.get("tcp", server.address);
		a.release();
		b.release();
		expect(pool.numIdle()).toBe(2);
		server.endAll();
		await waitUntil(() => pool.numIdle() === 0);
		const c = await pool.get("tcp", server.address);
		expect(c.reused).toBe(false);
		await c.write("ok");
		expect(String(await c.read({ timeout: 2_000 }))).toBe("ok");
		c.release();
	});

	it("a socket the server reset while idle is never handed out", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		const a = await pool.get("tcp", server.address);
		a.release();
		server.resetAll();
		await waitUntil(() => pool.numIdle() === 0);
		const c = await pool.get("tcp", server.address);
		expect(c.reused).toBe(false);
		c.release();
	});

	it("a dead idle socket that was not yet noticed is skipped at get", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		const a = await pool.get("tcp", server.address);
		a.release();
		a.socket.destroy();
		const c = await pool.get("tcp", server.address);
		expect(c.socket).not.toBe(a.socket);
		c.release();
	});

	it("a reused socket works with plain 'data' listeners", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		for (let round = 0; round < 3; round++) {
			const c = await pool.get("tcp", server.address);
			expect(c.reused).toBe(round > 0);
			const got = new Promise<string>((resolve) => {
				c.socket.once("data", (chunk) => resolve(String(chunk)));
			});
			c.socket.write(`ping${round}`);
			expect(await got).toBe(`ping${round}`);
			c.release();
		}
		expect(pool.stats().dials).toBe(1);
		// Left in flowing mode by its borrowers, the idle socket still notices the peer's FIN.
		server.endAll();
		await waitUntil(() => pool.numIdle() === 0);
		const fresh = await pool.get("tcp", server.address);
		expect(fresh.reused).toBe(false);
		fresh.release();
	});

	it("a connection released with unread bytes is closed, not reused", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		const c = await pool.get("tcp", server.address);
		await c.write("unread");
		await waitUntil(() => c.socket.readableLength > 0 || c.isClosed);
		c.release();
		expect(c.socket.destroyed).toBe(true);
		expect(pool.numIdle()).toBe(0);
		expect(pool.stats().discards).toBe(1);
	});
});
