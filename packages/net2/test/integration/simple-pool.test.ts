import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Net2ErrorCode, SimpleConnectionPool } from "../../src/index.js";
import { startServer, type TestServer } from "../helpers/servers.js";

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.close();
});

describe("SimpleConnectionPool", () => {
	it("registers one address only and serves it", async () => {
		await using pool = new SimpleConnectionPool();
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.NotRegistered,
		});
		pool.register("tcp", server.address);
		expect(() => pool.register("tcp", server.address)).toThrowError(
			expect.objectContaining({ code: Net2ErrorCode.AlreadyRegistered }),
		);
		expect(pool.listRegistered()).toEqual([
			{ network: "tcp", address: server.address },
		]);
		const c = await pool.get("tcp", server.address);
		await c.write("simple");
		expect(String(await c.read({ timeout: 2_000 }))).toBe("simple");
		c.release();
		expect(pool.numIdle()).toBe(1);
		await expect(pool.get("tcp", "127.0.0.1:1")).rejects.toMatchObject({
			code: Net2ErrorCode.NotRegistered,
		});
	});

	it("unregister puts the whole pool into lame duck", async () => {
		await using pool = new SimpleConnectionPool();
		pool.register("tcp", server.address);
		const c = await pool.get("tcp", server.address);
		pool.unregister("tcp", "anything");
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.LameDuck,
		});
		c.release();
		expect(c.socket.destroyed).toBe(true);
		expect(() => pool.register("tcp", server.address)).toThrowError(
			expect.objectContaining({ code: Net2ErrorCode.LameDuck }),
		);
	});

	it("rejects invalid arguments at the call", () => {
		const pool = new SimpleConnectionPool();
		expect(() => pool.register("udp" as "tcp", server.address)).toThrowError(
			expect.objectContaining({ code: Net2ErrorCode.InvalidArgument }),
		);
		expect(() => pool.register("tcp", "")).toThrowError(
			expect.objectContaining({ code: Net2ErrorCode.InvalidArgument }),
		);
	});
});
