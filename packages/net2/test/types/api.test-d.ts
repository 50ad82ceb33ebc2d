import type { Socket } from "node:net";
import { describe, expectTypeOf, it } from "vitest";
import type {
	ConnectionOptions,
	ConnectionPool,
	ManagedConnection,
	MultiConnectionPool,
	Network,
	PoolStatsSnapshot,
	RoundRobinConnectionPool,
	SimpleConnectionPool,
} from "../../src/index.js";

describe("public types", () => {
	it("every pool is a ConnectionPool", () => {
		expectTypeOf<MultiConnectionPool>().toExtend<ConnectionPool>();
		expectTypeOf<SimpleConnectionPool>().toExtend<ConnectionPool>();
		expectTypeOf<RoundRobinConnectionPool>().toExtend<ConnectionPool>();
		expectTypeOf<
			ConnectionPool["get"]
		>().returns.resolves.toEqualTypeOf<ManagedConnection>();
		expectTypeOf<
			RoundRobinConnectionPool["getNext"]
		>().returns.resolves.toEqualTypeOf<ManagedConnection>();
		expectTypeOf<
			ConnectionPool["stats"]
		>().returns.toEqualTypeOf<PoolStatsSnapshot>();
	});

	it("networks and connections", () => {
		expectTypeOf<Network>().toEqualTypeOf<"tcp" | "tcp4" | "tcp6" | "unix">();
		expectTypeOf<ManagedConnection["socket"]>().toEqualTypeOf<Socket>();
		expectTypeOf<
			ManagedConnection["read"]
		>().returns.resolves.toEqualTypeOf<Buffer | null>();
	});

	it("options are optional, readonly and accept explicit undefined", () => {
		const o: ConnectionOptions = {
			maxActiveConnections: undefined,
			tls: undefined,
		};
		expectTypeOf(o).toExtend<ConnectionOptions>();
		// biome-ignore lint/complexity/noBannedTypes: the empty object: every field is optional
		expectTypeOf<{}>().toExtend<ConnectionOptions>();
		expectTypeOf<ConnectionOptions>().toEqualTypeOf<
			Readonly<ConnectionOptions>
		>();
		// @ts-expect-error keepAlive takes a boolean or a number of ms
		const bad: ConnectionOptions = { keepAlive: "yes" };
		void bad;
	});
});
