import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addressKey } from "./ip";

describe("addressKey", () => {
  it("keeps IPv4 addresses as they are, and refuses what is no address", () => {
    expect(addressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey(" 198.51.100.1 ")).toBe("198.51.100.1");
    for (const text of ["", "unknown", "256.1.1.1", "1.2.3", "1:2:3", "1::2::3", "g::1", "1:2:3:4:5:6:7:8:9", "12345::1"]) {
      expect(addressKey(text)).toBeNull();
    }
  });

  it("counts an IPv6 address by its /64, whatever its spelling", () => {
    expect(addressKey("2001:db8:85a3:0:1:8a2e:370:7334")).toBe("2001:db8:85a3:0::/64");
    expect(addressKey("2001:0DB8:85A3:0000:ffff:ffff:ffff:ffff")).toBe("2001:db8:85a3:0::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("fe80::")).toBe("fe80:0:0:0::/64");
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(addressKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("::ffff:c000:201")).toBe("192.0.2.1");
  });

  it("gives every address of one /64 the same key, and addresses of other /64s other keys", () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    const groups = fc.array(group, { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(groups, groups, groups, (prefix, a, b) => {
        const spell = (parts: number[]) => parts.map((part) => part.toString(16)).join(":");
        fc.pre(!(prefix.slice(0, 3).every((part) => part === 0) && prefix[3] === 0));
        expect(addressKey(spell([...prefix, ...a]))).toBe(addressKey(spell([...prefix, ...b])));
        const other = [...prefix];
        other[3] = (other[3]! + 1) % 0x10000;
        expect(addressKey(spell([...other, ...a]))).not.toBe(addressKey(spell([...prefix, ...a])));
      }),
    );
  });

  it("accepts every address fast-check can spell", () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        expect(addressKey(address)).toMatch(/^([0-9a-f]{1,4}:){4}:\/64$|^\d+\.\d+\.\d+\.\d+$/);
      }),
    );
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(addressKey(address)).toBe(address);
      }),
    );
  });
});
