import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { requireServers, startMemcached } from "@godropbox-ts/test-utils";
import { describe, expect, it } from "vitest";

const ok = await requireServers("memcached");
const here = path.dirname(fileURLToPath(import.meta.url));

describe.skipIf(!ok)("README example", () => {
	it("runs as written against a real memcached", async () => {
		const readme = fs.readFileSync(
			path.resolve(here, "../../README.md"),
			"utf8",
		);
		const code = /<!-- example:start -->\s*```ts\n([\s\S]*?)```/.exec(
			readme,
		)?.[1];
		expect(code).toBeDefined();
		const cluster = await startMemcached();
		const file = path.resolve(
			here,
			`readme-example.generated.${process.pid}.ts`,
		);
		try {
			const lines = (code as string)
				.replaceAll(`"127.0.0.1:11211"`, JSON.stringify(cluster.addresses[0]))
				.split("\n");
			const imports = lines
				.filter((l) => l.startsWith("import "))
				.map((l) =>
					l.replace(`"@godropbox-ts/memcache"`, `"../../src/index.js"`),
				);
			const body = lines.filter((l) => !l.startsWith("import ")).join("\n");
			const logs: unknown[][] = [];
			fs.writeFileSync(
				file,
				`${imports.join("\n")}\nexport async function run(console: { log: (...a: unknown[]) => void }) {\n${body}\n}\n`,
			);
			const mod = (await import(file)) as {
				run: (c: { log: (...a: unknown[]) => void }) => Promise<void>;
			};
			await mod.run({ log: (...a) => logs.push(a) });
			expect(logs).toEqual([
				["hello"],
				[true, undefined],
				[["greeting", "nope"]],
				[1n],
			]);
		} finally {
			fs.rmSync(file, { force: true });
			await cluster.stop();
		}
	});
});
