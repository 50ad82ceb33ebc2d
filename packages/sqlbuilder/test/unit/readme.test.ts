import fs from "node:fs";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { SqlBuilderErrorCode } from "../../src/index.js";

const readme = fs.readFileSync(
	new URL("../../README.md", import.meta.url),
	"utf8",
);

describe("README", () => {
	it("lists every exported error code", () => {
		for (const code of Object.values(SqlBuilderErrorCode))
			expect(readme).toContain(`\`${code}\``);
	});
	it("names every exported value", () => {
		for (const name of Object.keys(api)) expect(readme).toContain(name);
	});
});
