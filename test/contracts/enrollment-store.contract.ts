import { describe, expect, it } from "vitest";
import { ConcurrentUpdateError } from "../../src/features/shared/errors.js";
import type { EnrollmentStore } from "../../src/ports/stores.js";
import { state } from "../support/data-layer-suite.js";

/** EnrollmentStore: the save is a compare-and-set on the version; concurrent saves of one version have one winner. */
export function enrollmentStoreContract(name: string, fresh: () => Promise<EnrollmentStore>): void {
  describe(`EnrollmentStore contract: ${name}`, () => {
    it("enrollment save is a compare-and-set on version", async () => {
      const enrollments = await fresh();
      expect(await enrollments.load("u1")).toBeNull();
      expect(await enrollments.save("u1", state(), null)).toBe(1);
      expect(await enrollments.load("u1")).toEqual({ value: state(), version: 1 });
      expect(await enrollments.save("u1", state({ step: "identity" }), 1)).toBe(2);
      await expect(enrollments.save("u1", state({ step: "sms" }), 1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      await expect(enrollments.save("u1", state({ step: "sms" }), null)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      await expect(enrollments.save("nobody", state(), 3)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      const loaded = await enrollments.load("u1");
      expect(loaded?.version).toBe(2);
      expect(loaded?.value.step).toBe("identity");
    });

    it("concurrent saves of the same version: exactly one wins", async () => {
      const enrollments = await fresh();
      const inserts = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => enrollments.save("u1", state({ flowId: `f${i}` }), null)));
      expect(inserts.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of inserts) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConcurrentUpdateError);

      const updates = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => enrollments.save("u1", state({ flowId: `g${i}` }), 1)));
      const won = updates.flatMap((r, i) => (r.status === "fulfilled" ? [{ i, version: r.value }] : []));
      expect(won).toHaveLength(1);
      expect(won[0]?.version).toBe(2);
      for (const r of updates) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConcurrentUpdateError);
      expect((await enrollments.load("u1"))?.value.flowId).toBe(`g${(won[0]?.i ?? 0) + 1}`);
    });
  });
}
