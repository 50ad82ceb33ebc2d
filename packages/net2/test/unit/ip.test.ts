import { describe, expect, it } from "vitest";
import {
	getPort,
	isLocalhost,
	isLocalhostIp,
	Net2ErrorCode,
	splitHostPort,
} from "../../src/index.js";

describe("ip/port helpers (godropbox net2/ip.go, port.go)", () => {
	it("getPort as godropbox's GetPort vectors", () => {
		expect(getPort("192.0.1.1:80")).toBe(80);
		expect(getPort("[::1]:80")).toBe(80);
		expect(getPort("192.0.1.1:0")).toBe(0);
		expect(getPort("[::1]:0")).toBe(0);
	});

	it("splitHostPort handles names, IPv4 and bracketed IPv6", () => {
		expect(splitHostPort("cache-1.internal:11211")).toEqual({
			host: "cache-1.internal",
			port: 11211,
		});
		expect(splitHostPort("[fe80::1]:443")).toEqual({
			host: "fe80::1",
			port: 443,
		});
		for (const bad of ["noport", "::1:80", "[::1]80", "h:", "h:70000", "h:8x"])
			expect(() => splitHostPort(bad)).toThrowError(
				expect.objectContaining({ code: Net2ErrorCode.InvalidArgument }),
			);
	});

	it("isLocalhost as godropbox's IsLocalhost vectors", () => {
		for (const h of ["localhost", "ip6-localhost", "ipv6-localhost"])
			expect(isLocalhost(h)).toBe(true);
		for (const h of ["dropbox.com", "google.com", "LOCALHOST"])
			expect(isLocalhost(h)).toBe(false);
	});

	it("isLocalhostIp: 127/8, ::1 and IPv4-mapped loopback", () => {
		for (const ip of [
			"127.0.0.1",
			"127.255.0.9",
			"::1",
			"0:0:0:0:0:0:0:1",
			"::ffff:127.0.0.1",
		])
			expect(isLocalhostIp(ip)).toBe(true);
		for (const ip of [
			"128.0.0.1",
			"::2",
			"::ffff:10.0.0.1",
			"localhost",
			"",
			"1.2.3",
		])
			expect(isLocalhostIp(ip)).toBe(false);
	});
});
