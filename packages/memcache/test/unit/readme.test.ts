import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MemcacheErrorCode } from "../../src/index.js";

const readme = fs.readFileSync(
	path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../README.md"),
	"utf8",
);

describe("README", () => {
	it.each(Object.values(MemcacheErrorCode))(
		"documents error code %s",
		(code) => {
			expect(readme).toContain(`\`${code}\``);
		},
	);
});
