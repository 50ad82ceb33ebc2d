import { afterEach, describe, expect, it } from "vitest";
import { isCI, mysqlUrl, requireServers } from "../src/index.js";

describe("server discovery", () => {
	const saved = { ...process.env };
	afterEach(() => {
		process.env = { ...saved };
	});

	it("reads URLs from the environment with 127.0.0.1 defaults", () => {
		delete process.env.MYSQL_URL;
		expect(mysqlUrl()).toBe("mysql://root@127.0.0.1:3306/test");
		process.env.MYSQL_URL = "mysql://u:p@127.0.0.2:3307/x";
		expect(mysqlUrl()).toBe("mysql://u:p@127.0.0.2:3307/x");
	});

	it("fails under CI and skips with one line otherwise when a server is missing", async () => {
		process.env.REDIS_URL = "redis://127.0.0.1:1"; // nothing listens on port 1
		process.env.CI = "true";
		expect(isCI()).toBe(true);
		await expect(requireServers("redis")).rejects.toThrow(/redis is missing/);
		process.env.CI = "";
		const lines: string[] = [];
		const orig = console.warn;
		console.warn = (msg: string) => lines.push(msg);
		try {
			expect(await requireServers("redis")).toBe(false);
		} finally {
			console.warn = orig;
		}
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(
			/^skipping integration tests: redis is missing — start Redis/,
		);
	});
});
