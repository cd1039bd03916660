import { describe, expect, it } from "vitest";
import { failureFor } from "./failures";

describe("the gate's words per failure", () => {
  it("a damaged file offers the repair (from the newest backup), not a retry or the recovery key", () => {
    const f = failureFor("damaged", "keyring");
    expect(f.repair).toBe(true);
    expect(f.advice).toContain("newest backup");
    expect(f.retry).toBe(false);
    expect(f.recovery).toBe(false);
    expect(failureFor("wrong_key", "keyring").repair).toBeFalsy();
  });

  it("a read-only folder and a full disk are said as such, with a retry", () => {
    expect(failureFor("read_only", null).title).toMatch(/read-only/);
    expect(failureFor("disk_full", null).title).toMatch(/full/);
    expect(failureFor("read_only", null).retry).toBe(true);
  });

  it("a wrong passphrase may be typed again; a wrong keyring key goes to the recovery key", () => {
    expect(failureFor("wrong_key", "passphrase").retry).toBe(true);
    expect(failureFor("wrong_key", "keyring").retry).toBe(false);
    expect(failureFor("wrong_key", "keyring").recovery).toBe(true);
  });

  it("an unknown kind still gets a title", () => {
    expect(failureFor("something_new", null).title).toBe("The journal could not be opened");
  });
});
