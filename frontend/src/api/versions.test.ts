import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { queryKeys } from "./queryKeys";
import type { Task } from "./types";
import { latestVersion } from "./versions";

describe("latestVersion", () => {
  it("prefers the cached detail when our own edit made it newer than the prop", () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.task(5), { id: 5, version: 4 } as Task);
    expect(latestVersion(qc, { id: 5, version: 3 })).toBe(4);
  });

  it("keeps the prop's version when nothing newer is cached", () => {
    const qc = new QueryClient();
    expect(latestVersion(qc, { id: 5, version: 3 })).toBe(3);
    qc.setQueryData(queryKeys.task(5), { id: 5, version: 2 } as Task);
    expect(latestVersion(qc, { id: 5, version: 3 })).toBe(3);
  });
});
