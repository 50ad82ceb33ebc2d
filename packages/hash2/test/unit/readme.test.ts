import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import * as api from "../../src/index.js";

const readme = readFileSync(
	new URL("../../README.md", import.meta.url),
	"utf8",
);
const dir = mkdtempSync(join(tmpdir(), "hash2-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README", () => {
	it("runs the Example block against the sources", async () => {
		const section = readme.split("## Example")[1] ?? "";
		const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
		expect(code).toBeDefined();
		const src = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
		const file = join(dir, "example.ts");
		writeFileSync(
			file,
			(code as string).replace('"@godropbox-ts/hash2"', JSON.stringify(src)),
		);
		await expect(import(pathToFileURL(file).href)).resolves.toBeDefined();
	});

	it("lists every exported error code", () => {
		const codes = Object.values(api.HASH2_ERROR_CODES);
		expect(codes.length).toBeGreaterThanOrEqual(8);
		for (const code of codes) expect(readme, code).toContain(`\`${code}\``);
	});

	it("names every runtime export in the API table", () => {
		for (const name of Object.keys(api))
			expect(readme, name).toContain(`\`${name}`);
	});
});
