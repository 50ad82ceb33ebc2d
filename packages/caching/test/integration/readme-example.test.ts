import { readFileSync } from "node:fs";
import {
	createMysqlDatabase,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { describe, expect, it } from "vitest";
import { readThrough } from "../fixtures/read-through-example.js";

const ok = await requireServers("memcached", "mysql");

describe("README example", () => {
	it("the README shows the example file verbatim (package import instead of ../../src)", () => {
		const readme = readFileSync(
			new URL("../../README.md", import.meta.url),
			"utf8",
		);
		const source = readFileSync(
			new URL("../fixtures/read-through-example.ts", import.meta.url),
			"utf8",
		).replace('from "../../src/index.js"', 'from "@godropbox-ts/caching"');
		expect(readme).toContain(source.trim());
	});

	it.skipIf(!ok)(
		"runs: read-through over memcached (2 shards) and MariaDB",
		async () => {
			const cluster = await startMemcached({ count: 2 });
			const db = await createMysqlDatabase("caching_readme");
			try {
				const r = await readThrough(cluster.addresses, db.connection);
				expect(r.first).toEqual({ id: 1, name: "ann" });
				expect(r.renamed).toEqual({ id: 1, name: "ann b." });
				expect(r.stats).toMatchObject({
					hits: 1,
					misses: 4,
					loads: 4,
					errors: 0,
				});
			} finally {
				await db.drop();
				await cluster.stop();
			}
		},
	);
});
