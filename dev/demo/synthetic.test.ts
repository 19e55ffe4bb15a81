import { describe, expect, it } from "vitest";
import { roster } from "./roster";
import { syntheticOrganization } from "./synthetic";

const learnersOf = (r: ReturnType<typeof syntheticOrganization>) => r.users.filter((u) => u.role === "learner");

describe("syntheticOrganization", () => {
  it("has the learners asked for, one trainer per 40 (rounded up), one admin and twelve courses", () => {
    const org = syntheticOrganization(1000);
    const roles = (role: string) => org.users.filter((u) => u.role === role).length;
    expect(roles("learner")).toBe(1000);
    expect(roles("trainer")).toBe(25);
    expect(roles("org_admin")).toBe(1);
    expect(org.courses).toHaveLength(12);
    expect(syntheticOrganization(41).users.filter((u) => u.role === "trainer")).toHaveLength(2);
    expect(syntheticOrganization(1).users).toHaveLength(3);
  });

  it("gives every learner one to three different courses, and every course a trainer", () => {
    const org = syntheticOrganization(1000);
    const perLearner = new Map<string, string[]>();
    for (const e of org.enrolments) perLearner.set(e.userId, [...(perLearner.get(e.userId) ?? []), e.courseId]);
    expect(perLearner.size).toBe(1000);
    for (const courses of perLearner.values()) {
      expect(courses.length).toBeGreaterThanOrEqual(1);
      expect(courses.length).toBeLessThanOrEqual(3);
      expect(new Set(courses).size).toBe(courses.length);
    }
    const counts = [1, 2, 3].map((n) => [...perLearner.values()].filter((c) => c.length === n).length);
    // Drawn with chances 55 / 30 / 15 %: each share within a few points of its chance.
    expect(counts[0]! / 1000).toBeCloseTo(0.55, 1);
    expect(counts[1]! / 1000).toBeCloseTo(0.3, 1);
    expect(counts[2]! / 1000).toBeCloseTo(0.15, 1);
    for (const course of org.courses) {
      expect(course.trainerIds.length).toBeGreaterThan(0);
      expect(org.enrolments.filter((e) => e.courseId === course.id).length).toBeGreaterThan(30);
    }
    // Even a tiny organisation's courses each have a trainer.
    expect(syntheticOrganization(10).courses.every((c) => c.trainerIds.length === 1)).toBe(true);
  });

  it("spreads learners over six departments, engineering the largest", () => {
    const sizes = new Map<string, number>();
    for (const u of learnersOf(syntheticOrganization(2000))) sizes.set(u.department ?? "", (sizes.get(u.department ?? "") ?? 0) + 1);
    expect([...sizes.keys()].sort()).toEqual(["Customer Success", "Engineering", "Finance", "Operations", "People", "Sales"]);
    expect(Math.max(...sizes.values())).toBe(sizes.get("Engineering"));
    // Shares of 30 % and 10 %, give or take sampling.
    expect(sizes.get("Engineering")! / 2000).toBeCloseTo(0.3, 1);
    expect(sizes.get("People")! / 2000).toBeCloseTo(0.1, 1);
  });

  it("is the same every time, and a smaller organisation's learners are the first of a larger one's", () => {
    expect(syntheticOrganization(300)).toEqual(syntheticOrganization(300));
    const small = syntheticOrganization(100);
    const large = syntheticOrganization(1000);
    expect(small.organization.id).toBe(large.organization.id);
    expect(learnersOf(large).slice(0, 100)).toEqual(learnersOf(small));
    const ofSmall = new Set(learnersOf(small).map((u) => u.id));
    expect(large.enrolments.filter((e) => ofSmall.has(e.userId))).toEqual(small.enrolments);
    expect(large.courses.map((c) => c.id)).toEqual(small.courses.map((c) => c.id));
  });

  it("shares no id, email or course code with the demo organisations", () => {
    const org = syntheticOrganization(500);
    const ids = new Set([...org.users.map((u) => u.id), ...org.courses.map((c) => c.id), org.organization.id]);
    expect(ids.size).toBe(org.users.length + org.courses.length + 1);
    for (const id of [...roster.users.map((u) => u.id), ...roster.courses.map((c) => c.id), ...roster.organizations.map((o) => o.id)])
      expect(ids.has(id)).toBe(false);
    expect(new Set(org.users.map((u) => u.email)).size).toBe(org.users.length);
    expect(new Set(org.courses.map((c) => c.code)).size).toBe(12);
  });

  it("refuses a size that is not a positive whole number", () => {
    expect(() => syntheticOrganization(0)).toThrow(/positive integer/);
    expect(() => syntheticOrganization(2.5)).toThrow(/positive integer/);
  });
});
