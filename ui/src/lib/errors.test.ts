import { describe, expect, it } from "vitest";
import { place, split, without } from "./errors";

describe("placing the core's failures", () => {
  const fields = { attempts: "attempts", challenge: "challenge_id" } as const;

  it("beside the form's field for the core's field", () => {
    expect(place({ message: "Give attempts too.", field: "attempts" }, fields)).toEqual({ field: "attempts", message: "Give attempts too." });
    expect(place({ message: "Choose one.", field: "challenge" }, fields).field).toBe("challenge_id");
  });

  it("at the form without a field, or for a field the form does not have", () => {
    expect(place({ message: "Locked." }, fields)).toEqual({ field: null, message: "Locked." });
    expect(place({ message: "Bad path.", field: "path" }, fields)).toEqual({ field: null, message: "Bad path." });
  });

  it("as a form keeps them", () => {
    expect(split({ message: "Give attempts too.", field: "attempts" }, fields)).toEqual({ errors: { attempts: "Give attempts too." }, form: "" });
    expect(split({ message: "Bad path.", field: "path" }, fields)).toEqual({ errors: {}, form: "Bad path." });
  });
});

describe("without", () => {
  it("drops the sentences of changed fields, and keeps the object when there are none", () => {
    const e: Partial<Record<"a" | "b", string>> = { a: "x", b: "y" };
    expect(without(e, "a")).toEqual({ b: "y" });
    expect(e).toEqual({ a: "x", b: "y" });
    const only: Partial<Record<"a" | "b", string>> = { b: "y" };
    expect(without(only, "a")).toBe(only);
  });
});
