// The README's example runs verbatim (import specifier pointed at src), and every exported
// code appears in its Errors table.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { ErrorsErrorCode } from "../../src/index.js";

const pkgDir = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(join(pkgDir, "README.md"), "utf8");
const tmp = mkdtempSync(join(pkgDir, "test", "unit", ".readme-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("README", () => {
	it("runs the example", async () => {
		const section = readme.slice(readme.indexOf("## Example"));
		const match = /```ts\n([\s\S]*?)```/.exec(section);
		expect(match).not.toBeNull();
		const source = (match?.[1] ?? "").replace(
			'from "@godropbox-ts/errors"',
			`from ${JSON.stringify(pathToFileURL(join(pkgDir, "src/index.ts")).href)}`,
		);
		expect(source).toContain("src/index.ts");
		const file = join(tmp, "example.ts");
		writeFileSync(file, source);
		await import(pathToFileURL(file).href);
	});
	it("lists every exported code in the Errors table", () => {
		const errorsSection = readme.slice(
			readme.indexOf("## Errors"),
			readme.indexOf("## Differences"),
		);
		for (const code of Object.values(ErrorsErrorCode))
			expect(errorsSection).toContain(`\`${code}\``);
	});
	it("lists every export in the API table", () => {
		const apiSection = readme.slice(
			readme.indexOf("## API"),
			readme.indexOf("## Errors"),
		);
		for (const name of Object.keys(api)) expect(apiSection).toContain(name);
	});
});
