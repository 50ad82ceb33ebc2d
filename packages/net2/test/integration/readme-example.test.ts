import fs from "node:fs";
import { requireServers, startMemcached } from "@godropbox-ts/test-utils";
import { describe, expect, it } from "vitest";
import { memcachedVersion } from "../fixtures/readme-example.js";

const ok = await requireServers("memcached");

describe("README", () => {
	it("shows the example this test runs, verbatim", () => {
		const readme = fs.readFileSync(
			new URL("../../README.md", import.meta.url),
			"utf8",
		);
		const example = fs
			.readFileSync(
				new URL("../fixtures/readme-example.ts", import.meta.url),
				"utf8",
			)
			.replace('"../../src/index.js"', '"@godropbox-ts/net2"');
		expect(readme).toContain(example);
	});

	describe.skipIf(!ok)("example against a real memcached", () => {
		it("returns the server's version line", async () => {
			const cluster = await startMemcached({ count: 1 });
			try {
				const version = await memcachedVersion(cluster.addresses[0] as string);
				expect(version).toMatch(/^VERSION \d+\.\d+/);
			} finally {
				await cluster.stop();
			}
		});
	});
});
