import { BlockList, isIP } from "node:net";
import { InvalidArgumentError } from "./errors.js";

/**
 * Splits `"host:port"` (IPv6 literals bracketed: `"[::1]:11211"`) into host and port.
 * godropbox: Go's `net.SplitHostPort`, used by net2/port.go `GetPort`.
 *
 * @throws {@link InvalidArgumentError} `ERR_NET2_INVALID_ARGUMENT` when the address has no
 * port, an unbracketed IPv6 literal, or a port outside 0–65535.
 * @example splitHostPort("[::1]:80") // { host: "::1", port: 80 }
 */
export function splitHostPort(address: string): { host: string; port: number } {
	let host: string;
	let portText: string;
	if (address.startsWith("[")) {
		const end = address.indexOf("]");
		if (end < 0 || address[end + 1] !== ":")
			throw new InvalidArgumentError(
				`address "${address}" is not "[host]:port"`,
			);
		host = address.slice(1, end);
		portText = address.slice(end + 2);
	} else {
		const colon = address.lastIndexOf(":");
		if (colon < 0)
			throw new InvalidArgumentError(
				`address "${address}" has no port ("host:port")`,
			);
		host = address.slice(0, colon);
		portText = address.slice(colon + 1);
		if (host.includes(":"))
			throw new InvalidArgumentError(
				`address "${address}": bracket IPv6 literals, as "[::1]:port"`,
			);
	}
	if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
		throw new InvalidArgumentError(`address "${address}" has an invalid port`);
	return { host, port: Number(portText) };
}

/**
 * The port of `"host:port"`. godropbox: net2/port.go `GetPort` (which returns −1 and an error;
 * here a bad address throws).
 *
 * @throws {@link InvalidArgumentError} `ERR_NET2_INVALID_ARGUMENT` as {@link splitHostPort}.
 */
export function getPort(address: string): number {
	return splitHostPort(address).port;
}

/**
 * True iff `ip` is an IP literal in 127.0.0.0/8, `::1`, or an IPv4-mapped loopback such as
 * `::ffff:127.0.0.1`. godropbox: net2/ip.go `IsLocalhostIp`.
 */
export function isLocalhostIp(ip: string): boolean {
	const kind = isIP(ip);
	if (kind === 0) return false;
	return LOOPBACK.check(ip, kind === 4 ? "ipv4" : "ipv6");
}

// BlockList matches IPv4-mapped IPv6 addresses against IPv4 rules (as Go normalises them).
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/**
 * True iff `host` is a loopback IP ({@link isLocalhostIp}) or exactly `localhost`,
 * `ip6-localhost` or `ipv6-localhost` (case-sensitive). godropbox: net2/ip.go `IsLocalhost`.
 */
export function isLocalhost(host: string): boolean {
	return (
		host === "localhost" ||
		host === "ip6-localhost" ||
		host === "ipv6-localhost" ||
		isLocalhostIp(host)
	);
}
