/**
 * The transport of an address, as godropbox's `net2` names it (Go's `net.Dial` networks).
 *
 * - `"tcp"`: TCP, IPv4 or IPv6 as the host resolves.
 * - `"tcp4"` / `"tcp6"`: TCP restricted to one address family.
 * - `"unix"`: a Unix domain socket; the address is the socket's path.
 */
export type Network = "tcp" | "tcp4" | "tcp6" | "unix";

/** The networks {@link Network} allows, for validation. */
export const NETWORKS: readonly Network[] = Object.freeze([
	"tcp",
	"tcp4",
	"tcp6",
	"unix",
]);

/** A registered address of a pool: the pair given to `register`. */
export interface NetworkAddress {
	readonly network: Network;
	/** `"host:port"` (IPv6 as `"[::1]:port"`) or, for `"unix"`, a socket path. */
	readonly address: string;
}
