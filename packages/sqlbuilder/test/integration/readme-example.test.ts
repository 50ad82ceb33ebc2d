import fs from "node:fs";
import { describe, expect, it } from "vitest";

// Runs the README's example block as written: its imports are pointed at this package's source
// and the rest becomes the body of `main(log)`.
describe("README example", () => {
	it("runs and prints what its comments say", async () => {
		const readme = fs.readFileSync(
			new URL("../../README.md", import.meta.url),
			"utf8",
		);
		const block =
			/## Example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
		const lines = block.split("\n");
		const importEnd = lines.findIndex((l) => l.startsWith("} from "));
		expect(importEnd).toBeGreaterThan(0);
		const header = lines
			.slice(0, importEnd + 1)
			.join("\n")
			.replace('"@godropbox-ts/sqlbuilder"', '"../../src/index.js"');
		const body = lines.slice(importEnd + 1).join("\n");
		const file = new URL("./readme-example.generated.ts", import.meta.url);
		fs.writeFileSync(
			file,
			`${header}\n\nexport async function main(log: (v: unknown) => void): Promise<void> {\n${body}\n}\n`,
		);
		try {
			const mod = (await import(file.href)) as {
				main(log: (v: unknown) => void): Promise<void>;
			};
			const logged: unknown[] = [];
			await mod.main((v) => logged.push(v));
			expect(logged).toEqual([
				[
					{ id: 1, name: "ann b", visits: 0 },
					{ id: 2, name: "bob", visits: 1 },
				],
				"SELECT `users`.`id`,`users`.`name` FROM `shard1`.`users` WHERE `users`.`id`=1",
				{
					sql: 'SELECT "users"."id" FROM "users" WHERE "users"."name"=$1',
					params: ["ann"],
				},
			]);
		} finally {
			fs.rmSync(file, { force: true });
		}
	});
});
