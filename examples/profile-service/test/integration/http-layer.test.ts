import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiHandler } from "../../src/http-api.js";
import { RequestMetrics } from "../../src/metrics.js";
import type { Profile } from "../../src/profile.js";
import type { ProfileStore } from "../../src/store.js";

// The HTTP layer alone, over an in-memory ProfileStore: routes, validation, status codes.
// The same API over the real stack (memcached + SQLite) is tested in test/integration.
class MapStore implements ProfileStore {
	readonly map = new Map<number, Profile>();
	failNext: Error | undefined;
	async get(id: number) {
		this.#maybeFail();
		return this.map.get(id);
	}
	async getMulti(ids: readonly number[]) {
		this.#maybeFail();
		return ids.map((id) => this.map.get(id));
	}
	async put(p: Profile) {
		this.map.set(p.id, p);
	}
	async delete(id: number) {
		this.map.delete(id);
	}
	#maybeFail() {
		const e = this.failNext;
		this.failNext = undefined;
		if (e) throw e;
	}
}

const store = new MapStore();
const metrics = new RequestMetrics();
const server = http.createServer(
	createApiHandler({
		store,
		metrics,
		now: () => new Date("2026-12-01T00:00:00.000Z"),
	}),
);
let base = "";

beforeAll(async () => {
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((r) => server.close(r));
});

async function call(method: string, path: string, body?: string) {
	const res = await fetch(base + path, {
		method,
		...(body === undefined
			? {}
			: { body, headers: { "content-type": "application/json" } }),
	});
	const text = await res.text();
	return {
		status: res.status,
		headers: res.headers,
		json: text ? JSON.parse(text) : undefined,
	};
}

describe("profile API over node:http", () => {
	it("PUT creates, GET reads, DELETE removes", async () => {
		const put = await call(
			"PUT",
			"/profiles/7",
			JSON.stringify({ name: "Ada", email: "ada@example.com", bio: "hi" }),
		);
		expect(put).toMatchObject({
			status: 200,
			json: {
				id: 7,
				name: "Ada",
				email: "ada@example.com",
				bio: "hi",
				updatedAt: "2026-12-01T00:00:00.000Z",
			},
		});
		expect((await call("GET", "/profiles/7")).json).toEqual(put.json);
		expect((await call("DELETE", "/profiles/7")).status).toBe(204);
		expect(await call("GET", "/profiles/7")).toMatchObject({
			status: 404,
			json: {
				error: {
					code: "ERR_PROFILE_SERVICE_NOT_FOUND",
					message: "profile 7 does not exist",
				},
			},
		});
	});

	it("GET /profiles?ids= is a multi-get that lists the missing ids", async () => {
		await call(
			"PUT",
			"/profiles/1",
			JSON.stringify({ name: "A", email: "a@example.com" }),
		);
		await call(
			"PUT",
			"/profiles/3",
			JSON.stringify({ name: "C", email: "c@example.com" }),
		);
		const res = await call("GET", "/profiles?ids=3,2,1");
		expect(res.status).toBe(200);
		expect(res.json.profiles.map((p: Profile) => p.id)).toEqual([3, 1]);
		expect(res.json.missing).toEqual([2]);
	});

	it.each([
		[
			"GET",
			"/profiles/abc",
			undefined,
			"profile id must be a positive whole number, got 'abc'",
		],
		[
			"GET",
			"/profiles/0",
			undefined,
			"profile id must be between 1 and 2147483647, got 0",
		],
		[
			"GET",
			"/profiles",
			undefined,
			"query parameter 'ids' is required, e.g. /profiles?ids=1,2,3",
		],
		[
			"GET",
			"/profiles?ids=1,x",
			undefined,
			"profile id must be a positive whole number, got 'x'",
		],
		["PUT", "/profiles/1", "{nope", "request body is not valid JSON"],
		["PUT", "/profiles/1", "", "request body is empty; send a JSON object"],
		["PUT", "/profiles/1", '{"name":"A"}', "field 'email' must be a string"],
		[
			"PUT",
			"/profiles/1",
			'{"name":"A","email":"a@b.c","x":1}',
			"unknown field 'x'; allowed: name, email, bio",
		],
	])(
		"%s %s %s → 400 with a clear message",
		async (method, path, body, message) => {
			const res = await call(method, path, body);
			expect(res.status).toBe(400);
			expect(res.json.error.code).toBe("ERR_PROFILE_SERVICE_INVALID_INPUT");
			expect(res.json.error.message).toContain(message);
		},
	);

	it("answers 413 for a body over 16 KiB, 405 with Allow, 404 for unknown routes", async () => {
		const big = await call(
			"PUT",
			"/profiles/1",
			JSON.stringify({ name: "A", email: "a@b.c", bio: "x".repeat(20_000) }),
		);
		expect(big.status).toBe(413);
		const post = await call("POST", "/profiles/1", "{}");
		expect(post.status).toBe(405);
		expect(post.headers.get("allow")).toBe("GET, PUT, DELETE");
		const none = await call("GET", "/nope");
		expect(none.status).toBe(404);
		expect(none.json.error.code).toBe("ERR_PROFILE_SERVICE_NO_ROUTE");
	});

	it("maps a dependency failure to 503 without leaking its details", async () => {
		store.failNext = Object.assign(
			new Error("connect ECONNREFUSED 127.0.0.1:1"),
			{
				code: "ERR_MEMCACHE_CONNECTION",
			},
		);
		const res = await call("GET", "/profiles/1");
		expect(res.status).toBe(503);
		expect(res.json.error).toEqual({
			code: "ERR_MEMCACHE_CONNECTION",
			message: "the cache or the database is unavailable; retry later",
		});
	});

	it("counts requests by kind and status class", () => {
		expect(metrics.total).toBeGreaterThan(10);
		expect(metrics.byKind.get).toBeGreaterThan(0);
		expect(metrics.byStatusClass["4xx"]).toBeGreaterThan(0);
		expect(metrics.byStatusClass["5xx"]).toBe(1);
	});
});
