// Pure-function tests only: nothing here opens a socket.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAddress, parseAllowList } from "../src/adapters/fetch/address-policy.ts";

/** [address, substring of the refusal reason] */
const REFUSED: ReadonlyArray<readonly [string, string]> = [
  // IPv4 unspecified, loopback, private
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["127.0.0.1", "loopback"],
  ["127.0.0.2", "loopback"],
  ["127.255.255.254", "loopback"],
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.0.1", "private"],
  ["192.168.255.255", "private"],
  // link-local, CGNAT, multicast, broadcast, reserved, benchmarking, documentation
  ["169.254.0.1", "link-local"],
  ["169.254.255.255", "link-local"],
  ["100.64.0.1", "carrier-grade NAT"],
  ["100.127.255.255", "carrier-grade NAT"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["240.0.0.1", "reserved"],
  ["250.1.2.3", "reserved"],
  ["198.18.0.1", "reserved"],
  ["198.19.255.255", "reserved"],
  ["192.0.2.1", "reserved"],
  ["198.51.100.7", "reserved"],
  ["203.0.113.9", "reserved"],
  ["192.0.0.8", "reserved"],
  // cloud metadata, including ones outside the private ranges
  ["169.254.169.254", "metadata"],
  ["169.254.170.2", "metadata"],
  ["100.100.100.200", "metadata"],
  ["168.63.129.16", "metadata"],
  ["192.0.0.192", "metadata"],
  ["fd00:ec2::254", "metadata"],
  // IPv6 specials
  ["::", "unspecified"],
  ["::1", "loopback"],
  ["[::1]", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["fe80::1", "link-local"],
  ["febf:ffff::1", "link-local"],
  ["fe80::1%eth0", "zone"],
  ["fc00::1", "unique-local"],
  ["fd12:3456:789a::1", "unique-local"],
  ["ff02::1", "multicast"],
  ["ff0e::1", "multicast"],
  ["fec0::1", "site-local"],
  ["100::1", "discard"],
  ["2001:db8::1", "documentation"],
  ["2001:2::1", "benchmarking"],
  ["3fff::1", "documentation"],
  // IPv6 forms that embed an IPv4 address
  ["::ffff:127.0.0.1", "IPv4-mapped IPv6 address embedding a loopback"],
  ["::ffff:7f00:1", "IPv4-mapped IPv6 address embedding a loopback"],
  ["::ffff:10.1.2.3", "private"],
  ["::ffff:192.168.1.1", "private"],
  ["::ffff:169.254.169.254", "metadata"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["::ffff:0:127.0.0.1", "IPv4-translated"],
  ["64:ff9b::127.0.0.1", "NAT64 address embedding a loopback"],
  ["64:ff9b::a00:1", "NAT64 address embedding a private"],
  ["64:ff9b::169.254.169.254", "metadata"],
  ["64:ff9b:1::1", "local-use NAT64"],
  ["2002:7f00:1::", "6to4 address embedding a loopback"],
  ["2002:c0a8:101::1", "6to4 address embedding a private"],
  ["2002:a9fe:a9fe::", "metadata"],
  ["2001::1", "Teredo"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
  ["::127.0.0.1", "IPv4-compatible"],
  ["::7f00:1", "IPv4-compatible"],
  ["::8.8.8.8", "IPv4-compatible"],
];

const ALLOWED: readonly string[] = [
  "8.8.8.8",
  "1.1.1.1",
  "93.184.215.14",
  "100.63.255.255", // just below CGNAT
  "100.128.0.0", // just above CGNAT
  "172.15.255.255", // just below 172.16/12
  "172.32.0.0", // just above 172.16/12
  "169.253.255.255",
  "198.17.255.255",
  "198.20.0.0",
  "223.255.255.255", // just below multicast
  "2a00:1450:4001:80b::200e",
  "2606:4700:4700::1111",
  "::ffff:8.8.8.8",
  "64:ff9b::8.8.8.8",
  "2002:808:808::1",
];

describe("checkAddress without an allow list", () => {
  it.each(REFUSED)("refuses %s (%s)", (ip, reason) => {
    const verdict = checkAddress(ip, []);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toContain(reason);
  });

  it.each(ALLOWED)("allows public %s", (ip) => {
    expect(checkAddress(ip)).toEqual({ allowed: true });
  });

  it.each(["", "localhost", "example.com", "1.2.3.4.5", "::g", "300.1.1.1", "127.0.0.1/8"])(
    "refuses non-addresses: %j",
    (value) => {
      expect(checkAddress(value)).toEqual({ allowed: false, reason: "not an IP address" });
    },
  );

  it("treats the legacy numeric IPv4 forms as the loopback they are", () => {
    for (const form of ["127.1", "2130706433", "0x7f000001", "0177.0.0.1"]) {
      const verdict = checkAddress(form);
      expect(verdict.allowed).toBe(false);
      if (!verdict.allowed) expect(verdict.reason).toContain("loopback");
    }
  });
});

describe("checkAddress with an allow list", () => {
  const allow = parseAllowList(["127.0.0.1", "10.0.0.0/8", "fd00::/8"]);

  it("allows exactly the listed addresses and ranges", () => {
    expect(checkAddress("127.0.0.1", allow).allowed).toBe(true);
    expect(checkAddress("10.20.30.40", allow).allowed).toBe(true);
    expect(checkAddress("fd12::1", allow).allowed).toBe(true);
    expect(checkAddress("127.0.0.2", allow).allowed).toBe(false);
    expect(checkAddress("192.168.1.1", allow).allowed).toBe(false);
    expect(checkAddress("fc00::1", allow).allowed).toBe(false);
    expect(checkAddress("::1", allow).allowed).toBe(false);
  });

  it("applies an IPv4 entry to the IPv4-mapped form of the same address only", () => {
    expect(checkAddress("::ffff:127.0.0.1", allow).allowed).toBe(true);
    expect(checkAddress("::ffff:127.0.0.2", allow).allowed).toBe(false);
    // NAT64 and 6to4 reach a translator, not this host: the IPv4 entry does not apply.
    expect(checkAddress("64:ff9b::127.0.0.1", allow).allowed).toBe(false);
    expect(checkAddress("2002:7f00:1::", allow).allowed).toBe(false);
  });

  it("accepts raw entries as well as a parsed list", () => {
    expect(checkAddress("127.0.0.5", ["127.0.0.0/29"]).allowed).toBe(true);
    expect(checkAddress("127.0.0.9", ["127.0.0.0/29"]).allowed).toBe(false);
  });

  it("rejects malformed entries when parsing", () => {
    expect(() => parseAllowList(["127.0.0.1", "not-an-ip"])).toThrow(/not-an-ip/);
    expect(() => parseAllowList(["10.0.0.0/33"])).toThrow(/CIDR/);
    expect(parseAllowList([" ", ""]).ranges).toHaveLength(0);
  });
});

const verdictOf = (ip: string): boolean => checkAddress(ip).allowed;

/** Addresses first.[secondMin..secondMax].x.y */
const inRange = (first: number, secondMin: number, secondMax: number) =>
  fc
    .tuple(fc.integer({ min: secondMin, max: secondMax }), fc.nat(255), fc.nat(255))
    .map(([b, c, d]) => `${first}.${b}.${c}.${d}`);

describe("IPv6 forms that embed IPv4", () => {
  it("judge an IPv4-mapped, NAT64 or 6to4 address like the IPv4 address inside", () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
        const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        const expected = verdictOf(v4);
        expect(verdictOf(`::ffff:${v4}`)).toBe(expected);
        expect(verdictOf(`::ffff:${hex}`)).toBe(expected);
        expect(verdictOf(`64:ff9b::${v4}`)).toBe(expected);
        expect(verdictOf(`2002:${hex}::1`)).toBe(expected);
        expect(verdictOf(`::${v4}`)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it("refuses every address in the private IPv4 ranges", () => {
    const privateV4 = fc.oneof(
      inRange(10, 0, 255),
      inRange(127, 0, 255),
      inRange(172, 16, 31),
      inRange(192, 168, 168),
      inRange(169, 254, 254),
      inRange(100, 64, 127),
    );
    fc.assert(
      fc.property(privateV4, (ip) => {
        expect(verdictOf(ip)).toBe(false);
        expect(verdictOf(`::ffff:${ip}`)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });
});
