// Sign-in throttling rules that need no database: which addresses count as one client, and how long an account
// under attack from many addresses makes each next attempt wait (ADR 0004, revised by ADR 0030).

/**
 * The key an address is counted under. One IPv6 subscriber gets a whole /64 (often far more) and can rotate through
 * it at will, so IPv6 addresses count per /64; an IPv4 address written as IPv4-mapped IPv6 (::ffff:192.0.2.1, as
 * Node reports IPv4 clients on a dual-stack socket) counts as that IPv4 address.
 */
export function clientAddressKey(address: string): string {
  const ip = address.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const groups = expandIPv6(ip);
  if (!groups) return ip;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join(".");
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (with "::" and a trailing dotted IPv4 part), or null if it is not one. */
export function expandIPv6(ip: string): number[] | null {
  if (!ip.includes(":")) return null;
  let text = ip;
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const bytes = dotted.slice(1).map(Number);
    if (bytes.some((b) => b > 255)) return null;
    text = `${text.slice(0, dotted.index)}${((bytes[0] << 8) | bytes[1]).toString(16)}:${((bytes[2] << 8) | bytes[3]).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => parseInt(g, 16));
}

export const accountSlowDown = {
  /** Failures for one account, across every address, in one window, before each next attempt must wait. */
  freeFailures: 10,
  /** The first wait; it doubles with each further failure. */
  baseMs: 2_000,
  /** The longest wait between two attempts: the account is slowed, never locked. */
  maxMs: 30_000,
};

/** The wait before the next attempt on an account that has failed `failures` times in the window (0 while under the limit). */
export function accountWaitMs(failures: number): number {
  const excess = failures - accountSlowDown.freeFailures;
  if (excess <= 0) return 0;
  return Math.min(accountSlowDown.maxMs, accountSlowDown.baseMs * 2 ** (excess - 1));
}
