import { defineProject } from "vitest/config";

export default defineProject({
	test: {
		name: "profile-service",
		include: ["test/**/*.test.ts"],
	},
});
