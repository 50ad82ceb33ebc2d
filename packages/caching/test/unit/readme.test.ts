import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CachingErrorCode } from "../../src/index.js";

const readme = readFileSync(
	new URL("../../README.md", import.meta.url),
	"utf8",
);

describe("README", () => {
	it("lists every exported error code", () => {
		const codes = Object.values(CachingErrorCode);
		expect(codes.length).toBeGreaterThan(10);
		for (const code of codes) expect(readme, code).toContain(`\`${code}\``);
	});
	it("documents the stable stats names", () => {
		for (const name of ["hits", "misses", "fills", "errors", "coalesced"])
			expect(readme).toContain(`\`${name}\``);
	});
});
